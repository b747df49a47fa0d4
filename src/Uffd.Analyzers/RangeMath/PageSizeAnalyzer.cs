using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Uffd.Analyzers.RangeMath;

/// <summary>
/// UFFD0041: the page size written as a literal (<c>4096</c>, <c>0x1000</c>, <c>4 * 1024</c>, <c>1 &lt;&lt; 12</c>) in range
/// arithmetic over values that come from a region or the runtime. The heuristic (docs/diagnostics/UFFD0041.md): the
/// literal is an operand of the arithmetic expression (<c>* / % + - &amp;</c>, compound assignments included) that contains
/// it, and that expression either has another operand that comes from the region or the runtime (an <c>nint</c> or
/// <c>nuint</c> value, a member of a runtime type or of a <c>[FaultRegion]</c> class, a parameter of a
/// <c>[PageProvider]</c> or <c>[WriteHandler]</c>), or is passed to a method of <c>Userfaultfd</c>, <c>UffdMemory</c> or a
/// region.
/// </summary>
[DiagnosticAnalyzer(Microsoft.CodeAnalysis.LanguageNames.CSharp)]
public sealed class PageSizeAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property: the replacement the fix writes.</summary>
    internal const string ReplacementKey = "Replacement";

    /// <summary>Replacement inside an instance member of a region: its generated <c>PageSize</c> property.</summary>
    internal const string RegionPageSize = "PageSize";

    /// <summary>Replacement elsewhere.</summary>
    internal const string SystemPageSize = "Environment.SystemPageSize";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.HardCodedPageSize);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterOperationAction(Analyze, OperationKind.Literal, OperationKind.Binary);
    }

    private static void Analyze(OperationAnalysisContext context)
    {
        IOperation literal = context.Operation;
        if (!IsPageSizeLiteral(literal) || IsPageSizeLiteral(literal.Parent))
        {
            return;
        }

        // The arithmetic expression the literal is an operand of: up through conversions and arithmetic.
        IOperation expression = literal;
        bool inArithmetic = false;
        bool derived = false;
        while (true)
        {
            IOperation? parent = expression.Parent;
            if (parent is IConversionOperation)
            {
                expression = parent;
            }
            else if (parent is IBinaryOperation binary && IsArithmetic(binary.OperatorKind))
            {
                derived |= IsDerived(binary.LeftOperand == expression ? binary.RightOperand : binary.LeftOperand, context.ContainingSymbol);
                inArithmetic = true;
                expression = parent;
            }
            else if (parent is ICompoundAssignmentOperation compound && IsArithmetic(compound.OperatorKind) && compound.Value == expression)
            {
                derived |= IsDerived(compound.Target, context.ContainingSymbol);
                inArithmetic = true;
                expression = parent;
            }
            else
            {
                break;
            }
        }

        bool rangeArgument = expression.Parent is IArgumentOperation { Parameter.ContainingSymbol: IMethodSymbol method } && IsRangeApi(method);
        // A constant expression outside a call may sit where only constants are allowed (const, case, attribute): PageSize could not.
        if ((!(inArithmetic && derived) && !rangeArgument) || (expression.ConstantValue.HasValue && !rangeArgument))
        {
            return;
        }

        bool inRegion = context.ContainingSymbol is IMethodSymbol { IsStatic: false } member && RegionSymbols.IsRegion(member.ContainingType);
        string replacement = inRegion ? RegionPageSize : SystemPageSize;
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.HardCodedPageSize,
            literal.Syntax.GetLocation(),
            ImmutableDictionary<string, string?>.Empty.Add(ReplacementKey, replacement),
            literal.Syntax.ToString(),
            replacement));
    }

    /// <summary>A literal 4096, or a binary expression of literals that folds to 4096 (<c>4 * 1024</c>, <c>1 &lt;&lt; 12</c>).</summary>
    private static bool IsPageSizeLiteral(IOperation? operation) => operation switch
    {
        ILiteralOperation literal => Is4096(literal),
        IBinaryOperation binary => Is4096(binary) && IsLiteral(binary.LeftOperand) && IsLiteral(binary.RightOperand),
        _ => false,
    };

    private static bool IsLiteral(IOperation operation) =>
        operation is ILiteralOperation || (operation is IConversionOperation { IsImplicit: true, Operand: ILiteralOperation });

    private static bool Is4096(IOperation operation) =>
        operation.ConstantValue is { HasValue: true, Value: int or long or uint or ulong } constant
        && System.Convert.ToDecimal(constant.Value, System.Globalization.CultureInfo.InvariantCulture) == 4096m;

    private static bool IsArithmetic(BinaryOperatorKind kind) => kind is BinaryOperatorKind.Multiply or BinaryOperatorKind.Divide
        or BinaryOperatorKind.Remainder or BinaryOperatorKind.Add or BinaryOperatorKind.Subtract or BinaryOperatorKind.And;

    /// <summary>Methods whose numeric parameters are byte ranges: the runtime's <c>Userfaultfd</c> and <c>UffdMemory</c>, and regions.</summary>
    private static bool IsRangeApi(IMethodSymbol method) =>
        RegionSymbols.IsRuntimeType(method.ContainingType, "Userfaultfd")
        || RegionSymbols.IsRuntimeType(method.ContainingType, "UffdMemory")
        || RegionSymbols.IsRegion(method.ContainingType);

    /// <summary>
    /// A value from the region or the runtime: of type <c>nint</c>/<c>nuint</c>, a member of a runtime type or a region,
    /// a callback's parameter, or arithmetic over one of these.
    /// </summary>
    private static bool IsDerived(IOperation operation, ISymbol? containingSymbol)
    {
        while (operation is IConversionOperation conversion)
        {
            if (!conversion.IsImplicit && IsNative(conversion.Type))
            {
                return true;
            }

            operation = conversion.Operand;
        }

        if (IsNative(operation.Type))
        {
            return true;
        }

        switch (operation)
        {
            case IBinaryOperation binary:
                return IsDerived(binary.LeftOperand, containingSymbol) || IsDerived(binary.RightOperand, containingSymbol);
            case IParameterReferenceOperation parameter:
                return RegionSymbols.IsCallback(parameter.Parameter.ContainingSymbol);
            case IFieldReferenceOperation { Field.IsConst: true }:
                return false;
            case IMemberReferenceOperation member:
                return IsRuntimeOrRegion(member.Member.ContainingType);
            case IInvocationOperation invocation:
                return IsRuntimeOrRegion(invocation.TargetMethod.ContainingType);
            default:
                return false;
        }
    }

    private static bool IsRuntimeOrRegion(ITypeSymbol? type) => RegionSymbols.IsRuntimeType(type) || RegionSymbols.IsRegion(type);

    private static bool IsNative(ITypeSymbol? type) =>
        type is { SpecialType: SpecialType.System_IntPtr or SpecialType.System_UIntPtr };
}
