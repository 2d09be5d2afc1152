package org.tdxemu.emulator.testing;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when netty reports a buffer leaked while it ran. Registered for every test
 * class through JUnit's extension auto-detection.
 */
public final class NoNettyLeaks implements AfterAllCallback {

    @Override
    public void afterAll(ExtensionContext context) {
        if (!NettyLeaks.isInstalled()) {
            throw new AssertionError("netty leak detection is not installed: "
                    + NettyLeakDetectionSession.class.getName() + " did not run");
        }
        List<String> leaks = NettyLeaks.collect();
        if (!leaks.isEmpty()) {
            throw new AssertionError(context.getDisplayName() + " leaked " + leaks.size() + " netty buffer(s):\n"
                    + String.join("\n", leaks));
        }
    }
}
