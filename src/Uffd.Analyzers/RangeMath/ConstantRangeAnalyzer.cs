using System;
using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Uffd.Analyzers.RangeMath;

/// <summary>
/// UFFD0043: a compile-time constant length, address or offset passed to a range method of <c>Userfaultfd</c> or to
/// <c>UffdMemory.Discard</c> that is not a multiple of 4096 (the smallest Linux page size, so it is wrong on every
/// machine), or a constant length of 0.
/// </summary>
[DiagnosticAnalyzer(Microsoft.CodeAnalysis.LanguageNames.CSharp)]
public sealed class ConstantRangeAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The smallest page size Linux has: a range that is not a multiple of it is whole pages nowhere.</summary>
    internal const long SmallestPageSize = 4096;

    private static readonly ImmutableHashSet<string> s_userfaultfdMethods = ImmutableHashSet.Create(
        "Copy", "ZeroPage", "WriteProtect", "RemoveWriteProtection", "Wake", "Register", "Unregister", "Continue", "Poison", "Move");

    private static readonly ImmutableHashSet<string> s_addressParameters = ImmutableHashSet.Create("start", "destination", "source");

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.UnalignedConstantRange);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterOperationAction(Analyze, OperationKind.Invocation);
    }

    private static void Analyze(OperationAnalysisContext context)
    {
        var invocation = (IInvocationOperation)context.Operation;
        IMethodSymbol method = invocation.TargetMethod;
        bool userfaultfd = RegionSymbols.IsRuntimeType(method.ContainingType, "Userfaultfd") && s_userfaultfdMethods.Contains(method.Name);
        bool discard = RegionSymbols.IsRuntimeType(method.ContainingType, "UffdMemory") && method.Name == "Discard";
        if (!userfaultfd && !discard)
        {
            return;
        }

        foreach (IArgumentOperation argument in invocation.Arguments)
        {
            if (argument.Parameter is not { } parameter || argument.ArgumentKind != ArgumentKind.Explicit)
            {
                continue;
            }

            bool isLength = parameter.Name == "length";
            bool isOffset = isLength
                || (userfaultfd && s_addressParameters.Contains(parameter.Name) && parameter.Type.SpecialType == SpecialType.System_IntPtr)
                || (discard && parameter.Name == "offset");
            if (!isOffset || !TryGetInteger(argument.Value, out long value))
            {
                continue;
            }

            if (value % SmallestPageSize != 0 || (isLength && value <= 0))
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.UnalignedConstantRange,
                    argument.Value.Syntax.GetLocation(),
                    parameter.Name,
                    value.ToString(CultureInfo.InvariantCulture),
                    method.Name));
            }
        }
    }

    private static bool TryGetInteger(IOperation value, out long result)
    {
        result = 0;
        Optional<object?> constant = value.ConstantValue;
        while (!constant.HasValue && value is IConversionOperation conversion)
        {
            value = conversion.Operand;
            constant = value.ConstantValue;
        }

        if (!constant.HasValue || constant.Value is null or bool or char or string or float or double or decimal)
        {
            return false;
        }

        try
        {
            result = Convert.ToInt64(constant.Value, CultureInfo.InvariantCulture);
            return true;
        }
        catch (Exception e) when (e is InvalidCastException or OverflowException or FormatException)
        {
            return false;
        }
    }
}
