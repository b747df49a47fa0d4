using System;
using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Uffd.Analyzers.RangeMath;

/// <summary>
/// UFFD0043: a compile-time constant length, address or offset passed to a range method of <c>Userfaultfd</c> or to
/// <c>UffdMemory.Discard</c> (the kernel ranges of <see cref="RangeParameters"/>) that is not a multiple of 4096 (the
/// smallest Linux page size, so it is wrong on every machine), or a constant length of 0. Constants are followed
/// through const and static readonly fields and locals written once.
/// </summary>
[DiagnosticAnalyzer(Microsoft.CodeAnalysis.LanguageNames.CSharp)]
public sealed class ConstantRangeAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The smallest page size Linux has: a range that is not a multiple of it is whole pages nowhere.</summary>
    internal const long SmallestPageSize = 4096;

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.UnalignedConstantRange);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterOperationAction(Analyze, OperationKind.Argument);
    }

    private static void Analyze(OperationAnalysisContext context)
    {
        var argument = (IArgumentOperation)context.Operation;
        if (argument.Parameter is not { } parameter || argument.ArgumentKind != ArgumentKind.Explicit
            || RangeParameters.RoleOf(parameter) != RangeRole.KernelRange
            || !PageSizeConstants.TryGetValue(argument.Value, out long value))
        {
            return;
        }

        bool isLength = parameter.Name == "length";
        if (value % SmallestPageSize != 0 || (isLength && value <= 0))
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.UnalignedConstantRange,
                argument.Value.Syntax.GetLocation(),
                parameter.Name,
                value.ToString(CultureInfo.InvariantCulture),
                ((IMethodSymbol)parameter.ContainingSymbol).Name));
        }
    }
}
