package org.tdxemu.emulator.module.leaf;

import java.util.Optional;
import org.tdxemu.emulator.module.metadata.GlobalMetadata;
import org.tdxemu.emulator.module.state.LogicalProcessor;
import org.tdxemu.emulator.module.state.ModuleContext;
import org.tdxemu.seamcall.metadata.FieldId;
import org.tdxemu.seamcall.register.Gpr;
import org.tdxemu.seamcall.register.RegisterFile;
import org.tdxemu.seamcall.status.StatusCode;

/**
 * TDH.SYS.RD, leaf 34: one element of the global metadata, and the ID of the element after it
 * (module-abi.md §4.7). Takes no lock: it reads only the fixed {@link GlobalMetadata}.
 *
 * <p>The next ID is built as the module's {@code md_get_next_element_in_context} builds it: inside
 * the same table entry it is the caller's ID with the field code moved on, so an element-size
 * code, NON_ARCH, INC_SIZE or WRITE_MASK_VALID bit the caller got wrong carries over; past the
 * entry's last element it is the next entry's ID as the table has it.
 */
final class SysRd implements LeafHandler {

    @Override
    public long execute(ModuleContext module, LogicalProcessor lp, RegisterFile registers) {
        FieldId requested = new FieldId(registers.rdx()).withContext(FieldId.CONTEXT_SYS);
        registers.set(Gpr.RDX, FieldId.NULL).set(Gpr.R8, 0);
        if (!lp.initialized) {
            return StatusCode.TDX_SYS_LP_INIT_NOT_DONE.value();
        }
        GlobalMetadata metadata = module.metadata;
        if (requested.isNull()) {
            registers.set(Gpr.RDX, metadata.first().id().raw());
            return StatusCode.TDX_METADATA_FIRST_FIELD_ID_IN_CONTEXT.value();
        }
        if (requested.hasReservedBits() || requested.lastElementInField() != 0
                || requested.lastFieldInSequence() != 0) {
            return StatusCode.TDX_METADATA_FIELD_ID_INCORRECT.value();
        }
        Optional<GlobalMetadata.Element> element = metadata.find(requested);
        if (element.isEmpty()) {
            return StatusCode.TDX_METADATA_FIELD_ID_INCORRECT.value();
        }
        registers.set(Gpr.R8, metadata.value(element.get()));
        registers.set(Gpr.RDX, nextElementId(metadata, requested, element.get()));
        return StatusCode.TDX_SUCCESS.value();
    }

    private static long nextElementId(GlobalMetadata metadata, FieldId requested, GlobalMetadata.Element element) {
        Optional<GlobalMetadata.Element> next = metadata.nextElement(element);
        if (next.isEmpty()) {
            return FieldId.NULL;
        }
        if (next.get().field() == element.field()) {
            return requested.plusFieldCode(1).raw();
        }
        return next.get().id().raw();
    }
}
