using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Uffd.Analyzers.RangeMath;

/// <summary>How the page size is hard-coded: what the fix rewrites.</summary>
internal enum PageSizeSpelling
{
    /// <summary>The size itself (4096): becomes the page size.</summary>
    Size,

    /// <summary>The offset mask 4095: becomes <c>(pageSize - 1)</c>.</summary>
    LowMask,

    /// <summary>The page mask ~4095: becomes <c>~(pageSize - 1)</c>.</summary>
    HighMask,

    /// <summary><c>x &gt;&gt; 12</c>: becomes <c>x / pageSize</c>.</summary>
    ShiftRight,

    /// <summary><c>x &lt;&lt; 12</c>: becomes <c>x * pageSize</c>.</summary>
    ShiftLeft,
}

/// <summary>Reports UFFD0041 once per place, with what the fix needs in the diagnostic's properties.</summary>
internal sealed class PageSizeReporter
{
    /// <summary>Diagnostic property: the page size the fix writes (<c>PageSize</c> or <c>Environment.SystemPageSize</c>).</summary>
    public const string ReplacementKey = "Replacement";

    /// <summary>Diagnostic property: the <see cref="PageSizeSpelling"/>.</summary>
    public const string SpellingKey = "Spelling";

    public const string RegionPageSize = "PageSize";

    public const string SystemPageSize = "Environment.SystemPageSize";

    // The sink and the operand checks can both find one constant (pageIndex * 4096 passed to Read), and a helper's
    // constant is found from each call: one diagnostic per place.
    private readonly ConcurrentDictionary<Location, byte> _reported = new();

    public void Report(OperationAnalysisContext context, IOperation operation, PageSizeSpelling spelling)
    {
        // Report where the constant is written: the initializer of a local written once, or of a static readonly field
        // of this file, so the fix changes the one place and every use follows.
        IOperation target = WhereWritten(operation);
        SyntaxNode syntax = target.Syntax;
        Location location = syntax.GetLocation();
        if (!location.IsInSource || !_reported.TryAdd(location, 0))
        {
            return;
        }

        string replacement = target.SemanticModel is { } model ? ReplacementAt(syntax, model) : SystemPageSize;
        string written = syntax.ToString();
        (string shown, string suggested) = spelling switch
        {
            PageSizeSpelling.LowMask => (written, "(" + replacement + " - 1)"),
            PageSizeSpelling.HighMask => (written, "~(" + replacement + " - 1)"),
            PageSizeSpelling.ShiftRight => (written, ShiftOperand(syntax) + " / " + replacement),
            PageSizeSpelling.ShiftLeft => (written, ShiftOperand(syntax) + " * " + replacement),
            _ => (IsNamed(syntax) ? written + " (4096)" : written, replacement),
        };
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.HardCodedPageSize,
            location,
            ImmutableDictionary<string, string?>.Empty
                .Add(ReplacementKey, replacement)
                .Add(SpellingKey, spelling.ToString()),
            shown,
            suggested));
    }

    private static IOperation WhereWritten(IOperation operation)
    {
        operation = SkipImplicitConversions(operation);
        IOperation? source = ValueFlow.SkipConversions(operation) switch
        {
            ILocalReferenceOperation { Local.IsConst: false } local => ValueFlow.SingleValue(local),
            IFieldReferenceOperation { Field.IsConst: false, Field.IsStatic: true } field => ValueFlow.ReadonlyInitializer(field),
            _ => null,
        };
        return source is not null && PageSizeConstants.TryGetConstant(source, out _) ? SkipImplicitConversions(source) : operation;
    }

    private static IOperation SkipImplicitConversions(IOperation operation)
    {
        while (operation is IConversionOperation { IsImplicit: true } conversion)
        {
            operation = conversion.Operand;
        }

        return operation;
    }

    private static bool IsNamed(SyntaxNode syntax) => syntax is IdentifierNameSyntax or MemberAccessExpressionSyntax;

    private static string ShiftOperand(SyntaxNode syntax) => syntax switch
    {
        BinaryExpressionSyntax binary => binary.Left.ToString(),
        AssignmentExpressionSyntax assignment => assignment.Left.ToString(),
        _ => syntax.ToString(),
    };

    /// <summary>
    /// <c>PageSize</c> inside an instance method, property or local function of a region (where the region is open, and
    /// the page size is the region's own, huge pages included); <c>Environment.SystemPageSize</c> in static code, static
    /// lambdas and local functions, constructors and initializers, where <c>this</c> is not reachable or not open yet.
    /// </summary>
    public static string ReplacementAt(SyntaxNode node, SemanticModel model)
    {
        foreach (SyntaxNode ancestor in node.Ancestors())
        {
            switch (ancestor)
            {
                case AnonymousFunctionExpressionSyntax function when function.Modifiers.Any(SyntaxKind.StaticKeyword):
                case LocalFunctionStatementSyntax local when local.Modifiers.Any(SyntaxKind.StaticKeyword):
                case EqualsValueClauseSyntax { Parent: PropertyDeclarationSyntax or VariableDeclaratorSyntax { Parent.Parent: FieldDeclarationSyntax } }:
                    return SystemPageSize;
                case MethodDeclarationSyntax method:
                    return IsRegionInstanceMember(method, method.Modifiers, model) ? RegionPageSize : SystemPageSize;
                case BasePropertyDeclarationSyntax property:
                    return IsRegionInstanceMember(property, property.Modifiers, model) ? RegionPageSize : SystemPageSize;
                case MemberDeclarationSyntax:
                    return SystemPageSize;
            }
        }

        return SystemPageSize;
    }

    private static bool IsRegionInstanceMember(MemberDeclarationSyntax member, SyntaxTokenList modifiers, SemanticModel model) =>
        !modifiers.Any(SyntaxKind.StaticKeyword)
        && member.Parent is TypeDeclarationSyntax type
        && RegionSymbols.IsRegion(model.GetDeclaredSymbol(type));
}
