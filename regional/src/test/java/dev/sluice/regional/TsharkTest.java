package dev.sluice.regional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opentest4j.AssertionFailedError;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The tshark helper fails, never skips, the test that needs it when tshark is missing.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class TsharkTest
{
    @Test
    void aMissingTsharkFailsTheTestWithWhatToDo()
    {
        final AssertionFailedError error = assertThrows(AssertionFailedError.class, () -> Tshark.executableOn("/nonexistent"));
        assertEquals(Tshark.NOT_INSTALLED, error.getMessage());
    }
}
