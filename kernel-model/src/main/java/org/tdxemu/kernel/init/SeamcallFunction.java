package org.tdxemu.kernel.init;

import java.util.Optional;
import org.tdxemu.kernel.Errno;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.register.RegisterFile;

/** A kernel SEAMCALL wrapper: a leaf on a CPU with {@code args}, and the error it comes to, if any. */
@FunctionalInterface
interface SeamcallFunction {

    Optional<Errno> call(int cpu, Leaf leaf, RegisterFile args);
}
