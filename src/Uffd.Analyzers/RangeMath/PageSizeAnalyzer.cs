using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Uffd.Analyzers.RangeMath;

/// <summary>
/// UFFD0041: the page size hard-coded as 4096 (however spelled, see <see cref="PageSizeConstants"/>), as a shift by 12,
/// or as the mask 4095, where the meaning of the value makes it a page size (docs/diagnostics/UFFD0041.md):
/// <list type="bullet">
/// <item>where it is used: passed to a runtime or generated parameter whose role (<see cref="RangeParameters"/>) makes
/// it one: a byte range the kernel or runtime takes in pages, a byte offset computed from an index, a page index
/// computed from bytes; directly or through a local written once, a same-file helper's return value or parameter;</item>
/// <item>by the other operand: a page index times 4096, an address or byte offset divided by, masked with or shifted by
/// it, an address plus 4096.</item>
/// </list>
/// Anything else stays quiet: 4096 given to <c>Open(pages)</c> is a count, <c>new byte[4096]</c> a buffer.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class PageSizeAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.HardCodedPageSize);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var reporter = new PageSizeReporter();
            start.RegisterOperationAction(c => AnalyzeBinary(c, reporter), OperationKind.Binary);
            start.RegisterOperationAction(c => AnalyzeCompound(c, reporter), OperationKind.CompoundAssignment);
            // Per member, so that a constant found through a local or a local function is reported inside the member analyzed.
            start.RegisterOperationBlockAction(c => PageSizeSinks.Analyze(c, reporter));
        });
    }

    private static void AnalyzeBinary(OperationAnalysisContext context, PageSizeReporter reporter)
    {
        var binary = (IBinaryOperation)context.Operation;
        if (binary.ConstantValue.HasValue)
        {
            return;
        }

        CheckOperands(context, reporter, binary, binary.OperatorKind, binary.LeftOperand, binary.RightOperand, compound: false);
        if (binary.OperatorKind is BinaryOperatorKind.Multiply or BinaryOperatorKind.Add or BinaryOperatorKind.And)
        {
            CheckOperands(context, reporter, binary, binary.OperatorKind, binary.RightOperand, binary.LeftOperand, compound: false);
        }
    }

    private static void AnalyzeCompound(OperationAnalysisContext context, PageSizeReporter reporter)
    {
        var compound = (ICompoundAssignmentOperation)context.Operation;
        CheckOperands(context, reporter, compound, compound.OperatorKind, compound.Target, compound.Value, compound: true);
    }

    /// <summary>Checks <paramref name="constant"/> as the page size applied to <paramref name="other"/> by <paramref name="kind"/>.</summary>
    private static void CheckOperands(
        OperationAnalysisContext context, PageSizeReporter reporter, IOperation whole, BinaryOperatorKind kind, IOperation other, IOperation constant, bool compound)
    {
        switch (kind)
        {
            case BinaryOperatorKind.Multiply when PageSizeConstants.IsPageSize(constant) && MeaningOf(other, compound) == ValueMeaning.PageIndex:
            case BinaryOperatorKind.Divide or BinaryOperatorKind.Remainder when PageSizeConstants.IsPageSize(constant) && IsBytes(MeaningOf(other, compound)):
            case BinaryOperatorKind.Add or BinaryOperatorKind.Subtract when PageSizeConstants.IsPageSize(constant) && MeaningOf(other, compound) == ValueMeaning.Address:
                reporter.Report(context.ReportDiagnostic, constant, PageSizeSpelling.Size);
                break;
            case BinaryOperatorKind.And when PageSizeConstants.IsLowMask(constant) && IsBytes(MeaningOf(other, compound)):
                reporter.Report(context.ReportDiagnostic, constant, PageSizeSpelling.LowMask);
                break;
            case BinaryOperatorKind.And when PageSizeConstants.IsHighMask(constant) && IsBytes(MeaningOf(other, compound)):
                reporter.Report(context.ReportDiagnostic, constant, PageSizeSpelling.HighMask);
                break;
            case BinaryOperatorKind.RightShift when PageSizeConstants.IsPageShift(constant) && IsBytes(MeaningOf(other, compound)):
                reporter.Report(context.ReportDiagnostic, whole, PageSizeSpelling.ShiftRight);
                break;
            case BinaryOperatorKind.LeftShift when PageSizeConstants.IsPageShift(constant) && MeaningOf(other, compound) == ValueMeaning.PageIndex:
                reporter.Report(context.ReportDiagnostic, whole, PageSizeSpelling.ShiftLeft);
                break;
        }
    }

    /// <summary>A compound assignment works on the value before it: its own write does not hide the local's meaning.</summary>
    private static ValueMeaning MeaningOf(IOperation operation, bool compound) => ValueMeanings.MeaningOf(operation, allowCompound: compound);

    private static bool IsBytes(ValueMeaning meaning) => meaning is ValueMeaning.Address or ValueMeaning.ByteOffset;
}
