package dev.sluice.cli;

import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.regional.IpAddressText;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The Crypto-PAn image, under a site's key, of an address read back as text from what a region
 * received. Tests that check a foreign region got no raw address compare each address there with
 * the image of the home region's one: Crypto-PAn leaves some addresses unchanged (about 1 in
 * 15,000, see {@link CryptoPan}), so "differs from the raw address" fails now and then for a
 * random key although nothing leaked. One thread.
 */
public final class CryptoPanImages
{
    private static final int IPV4_LENGTH = 4;
    private static final int IPV6_LENGTH = 16;
    private static final int MAPPED_PREFIX_LENGTH = 12;

    private final CryptoPan cryptoPan;

    public CryptoPanImages(final Path keyFile) throws IOException
    {
        this.cryptoPan = CryptoPan.fromKeyFile(keyFile);
    }

    /** The image of an IPv4 or IPv6 address, as 4 or 16 bytes. */
    public byte[] image(final String address) throws IOException
    {
        final byte[] raw = bytes(address);
        if (raw.length == IPV4_LENGTH)
        {
            return ByteBuffer.allocate(IPV4_LENGTH).putInt(cryptoPan.anonymizeIpv4(ByteBuffer.wrap(raw).getInt())).array();
        }
        final ByteBuffer halves = ByteBuffer.wrap(raw);
        cryptoPan.anonymizeIpv6(halves.getLong(), halves.getLong());
        return ByteBuffer.allocate(IPV6_LENGTH).putLong(cryptoPan.resultHigh()).putLong(cryptoPan.resultLow()).array();
    }

    /** True when {@code anonymized} is exactly the image of {@code raw}. */
    public boolean isImage(final String raw, final String anonymized) throws IOException
    {
        return Arrays.equals(image(raw), bytes(anonymized));
    }

    /** The image as text, for messages. */
    public String imageText(final String address) throws IOException
    {
        return IpAddressText.format(image(address));
    }

    /**
     * The bytes of an address in text form: 4 for dotted IPv4, 16 for any IPv6 text, including
     * an IPv4-mapped one (which {@link InetAddress} would turn into 4 bytes).
     */
    public static byte[] bytes(final String address) throws IOException
    {
        final byte[] parsed = InetAddress.getByName(address).getAddress();
        if (address.indexOf(':') < 0 || parsed.length == IPV6_LENGTH)
        {
            return parsed;
        }
        final byte[] mapped = new byte[IPV6_LENGTH];
        mapped[MAPPED_PREFIX_LENGTH - 2] = (byte)0xFF;
        mapped[MAPPED_PREFIX_LENGTH - 1] = (byte)0xFF;
        System.arraycopy(parsed, 0, mapped, MAPPED_PREFIX_LENGTH, IPV4_LENGTH);
        return mapped;
    }
}
