package org.tdxemu.kernel.init;

import java.util.List;
import org.tdxemu.kernel.host.AllocationPurpose;
import org.tdxemu.kernel.host.Host;
import org.tdxemu.kernel.host.HostEvent;
import org.tdxemu.seamcall.memory.Range;

/** Host events in a form tests can compare whole: what happened, in order, without the addresses. */
final class Events {

    private Events() {
    }

    static List<String> summary(Host host) {
        return host.events().stream().map(Events::describe).toList();
    }

    static String describe(HostEvent event) {
        if (event instanceof HostEvent.Allocated allocated) {
            return "alloc " + allocated.purpose();
        }
        if (event instanceof HostEvent.Freed freed) {
            return "free " + freed.purpose();
        }
        if (event instanceof HostEvent.WbinvdOnAllCpus) {
            return "wbinvd";
        }
        if (event instanceof HostEvent.Movdir64bZeroed) {
            return "movdir64b";
        }
        if (event instanceof HostEvent.Wbinvd wbinvd) {
            return "wbinvd " + wbinvd.cpu();
        }
        if (event instanceof HostEvent.VmxReferenceTaken taken) {
            return "vmx get " + taken.cpu();
        }
        if (event instanceof HostEvent.VmxReferenceDropped dropped) {
            return "vmx put " + dropped.cpu();
        }
        return event instanceof HostEvent.GetOnlineMems ? "get_online_mems" : "put_online_mems";
    }

    /** The ranges of the allocations of {@code purpose}, in order. */
    static List<Range> allocated(Host host, AllocationPurpose purpose) {
        return host.events().stream().filter(e -> e instanceof HostEvent.Allocated a && a.purpose() == purpose)
                .map(e -> ((HostEvent.Allocated) e).range()).toList();
    }

    /** The ranges freed as {@code purpose}, in order. */
    static List<Range> freed(Host host, AllocationPurpose purpose) {
        return host.events().stream().filter(e -> e instanceof HostEvent.Freed f && f.purpose() == purpose)
                .map(e -> ((HostEvent.Freed) e).range()).toList();
    }
}
