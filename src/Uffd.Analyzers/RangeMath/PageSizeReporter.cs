using System;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
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

    /// <summary>The constant is in a helper whose result is used here: reported at the call, no fix.</summary>
    InHelper,
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
    private readonly ConcurrentDictionary<Location, byte> reported = new();

    public void Report(Action<Diagnostic> report, IOperation operation, PageSizeSpelling spelling)
    {
        // Reported where it is used, inside the member analyzed: a diagnostic elsewhere (a field's initializer, another
        // method's body) would be non-local, which an IDE shows only in full solution analysis. The fix rewrites the
        // initializer of a local or static readonly field it names, so every use follows.
        IOperation target = Conversions.SkipImplicit(operation);
        SyntaxNode syntax = target.Syntax;
        Location location = syntax.GetLocation();
        if (!location.IsInSource || !reported.TryAdd(location, 0))
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
        report(Diagnostic.Create(
            DiagnosticDescriptors.HardCodedPageSize,
            location,
            ImmutableDictionary<string, string?>.Empty
                .Add(ReplacementKey, replacement)
                .Add(SpellingKey, spelling.ToString()),
            shown,
            suggested));
    }

    /// <summary>
    /// A page size inside a helper's returned expression, found from a call that uses the result as a range: reported at
    /// the call (a diagnostic in the helper would be non-local), naming the helper's constant; no fix at the call.
    /// </summary>
    public void ReportInHelper(Action<Diagnostic> report, IInvocationOperation call, IOperation constant)
    {
        Location location = call.Syntax.GetLocation();
        if (!location.IsInSource || !reported.TryAdd(location, 0))
        {
            return;
        }

        string replacement = constant.SemanticModel is { } model ? ReplacementAt(constant.Syntax, model) : SystemPageSize;
        report(Diagnostic.Create(
            DiagnosticDescriptors.HardCodedPageSize,
            location,
            ImmutableDictionary<string, string?>.Empty.Add(SpellingKey, PageSizeSpelling.InHelper.ToString()),
            call.Syntax + " (" + constant.Syntax + " in " + call.TargetMethod.Name + ")",
            replacement + " in " + call.TargetMethod.Name));
    }

    private static bool IsNamed(SyntaxNode syntax) => syntax is IdentifierNameSyntax or MemberAccessExpressionSyntax;

    private static string ShiftOperand(SyntaxNode syntax)
    {
        ExpressionSyntax? left = syntax switch
        {
            BinaryExpressionSyntax binary => binary.Left,
            AssignmentExpressionSyntax assignment => assignment.Left,
            _ => null,
        };
        if (left is null)
        {
            return syntax.ToString();
        }

        // a - b >> 12 shifts the difference: the division must keep it together.
        return left is BinaryExpressionSyntax and not { RawKind: (int)SyntaxKind.MultiplyExpression or (int)SyntaxKind.DivideExpression or (int)SyntaxKind.ModuloExpression }
            ? "(" + left + ")"
            : left.ToString();
    }

    /// <summary>
    /// <c>PageSize</c> inside an instance method, property or local function of a region (where the region is open, and
    /// the page size is the region's own, huge pages included); <c>Environment.SystemPageSize</c> in static code, static
    /// lambdas and local functions, constructors and initializers, and the argument of <c>Open</c>, where <c>this</c> is
    /// not reachable or not open yet.
    /// </summary>
    public static string ReplacementAt(SyntaxNode node, SemanticModel model)
    {
        foreach (SyntaxNode ancestor in node.Ancestors())
        {
            switch (ancestor)
            {
                // The page count given to Open is computed before the region is open: its PageSize would throw.
                case InvocationExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.ValueText: "Open" } or MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Open" } }:
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
