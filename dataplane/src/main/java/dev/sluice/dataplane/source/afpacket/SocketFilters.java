package dev.sluice.dataplane.source.afpacket;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Classic BPF socket filters used while a socket joins a fanout group: one that accepts
 * nothing, attached before bind and detached once the socket is a member, so no packet reaches
 * both a member and a socket that has not joined yet. Assembling thread only.
 */
final class SocketFilters
{
    static final int SO_ATTACH_FILTER = 26;
    static final int SO_DETACH_FILTER = 27;
    /** {@code BPF_RET | BPF_K}: return a constant (0 = accept no bytes). */
    static final short BPF_RET_K = 0x06;
    static final long SOCK_FILTER_LENGTH = 8;
    /** {@code struct sock_fprog}: u16 len, padding, pointer to the instructions. */
    static final long SOCK_FPROG_LENGTH = 16;

    private SocketFilters()
    {
    }

    static void attachRejectAll(final MemorySegment callState, final Arena arena, final int fd, final String ifName)
        throws IOException
    {
        final MemorySegment instruction = arena.allocate(SOCK_FILTER_LENGTH, 8);
        instruction.set(ValueLayout.JAVA_SHORT, 0, BPF_RET_K);
        instruction.set(ValueLayout.JAVA_INT, 4, 0);
        final MemorySegment program = arena.allocate(SOCK_FPROG_LENGTH, 8);
        program.set(ValueLayout.JAVA_SHORT, 0, (short)1);
        program.set(ValueLayout.ADDRESS, 8, instruction);
        if (Libc.setsockopt(callState, fd, Libc.SOL_SOCKET, SO_ATTACH_FILTER, program, (int)SOCK_FPROG_LENGTH) != 0)
        {
            throw AfPacketSource.failure(ifName, "setsockopt(SO_ATTACH_FILTER)", Libc.errno(callState), null);
        }
    }

    static void detach(final MemorySegment callState, final Arena arena, final int fd, final String ifName)
        throws IOException
    {
        final MemorySegment unused = arena.allocate(ValueLayout.JAVA_INT);
        if (Libc.setsockopt(callState, fd, Libc.SOL_SOCKET, SO_DETACH_FILTER, unused, 4) != 0)
        {
            throw AfPacketSource.failure(ifName, "setsockopt(SO_DETACH_FILTER)", Libc.errno(callState), null);
        }
    }
}
