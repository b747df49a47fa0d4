using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Uffd.Analyzers.CodeFixes.Protocol;

/// <summary>
/// What the Wake after a DontWake call needs: the receiver, the range's start and length as the call wrote them, and
/// the arguments to evaluate once into locals first. An argument with side effects (<c>dsts[i++]</c>, <c>Load(i)</c>)
/// would run twice if the Wake repeated it, and could change what the arguments before it meant, so every
/// non-constant argument up to the last one with side effects is hoisted, in the order the call evaluates them.
/// </summary>
internal sealed class WakePlan
{
    private WakePlan(InvocationExpressionSyntax call, ExpressionSyntax receiver, ExpressionSyntax start, ExpressionSyntax? length, ExpressionSyntax? source, IReadOnlyList<(ExpressionSyntax Expression, string Parameter)> hoisted)
    {
        Call = call;
        Receiver = receiver;
        Start = start;
        Length = length;
        Source = source;
        Hoisted = hoisted;
    }

    public InvocationExpressionSyntax Call { get; }

    public ExpressionSyntax Receiver { get; }

    public ExpressionSyntax Start { get; }

    /// <summary>The length argument; null for <c>Copy(destination, ReadOnlySpan&lt;byte&gt; source)</c>, whose length is the span's.</summary>
    public ExpressionSyntax? Length { get; }

    public ExpressionSyntax? Source { get; }

    /// <summary>The argument expressions to store in locals before the statement, in evaluation order, with their parameter names.</summary>
    public IReadOnlyList<(ExpressionSyntax Expression, string Parameter)> Hoisted { get; }

    public static WakePlan? For(InvocationExpressionSyntax call, SemanticModel model, CancellationToken cancellationToken)
    {
        if (call.Expression is not MemberAccessExpressionSyntax access
            || model.GetOperation(call, cancellationToken) is not IInvocationOperation operation)
        {
            return null;
        }

        ExpressionSyntax? start = Argument(operation, "destination") ?? Argument(operation, "start");
        ExpressionSyntax? length = Argument(operation, "length");
        ExpressionSyntax? source = length is null ? Argument(operation, "source") : null;
        if (start is null || (length is null && source is null))
        {
            return null;
        }

        // Arguments in the order they are written, which is the order C# evaluates them.
        var written = call.ArgumentList.Arguments.Select(argument => argument.Expression).ToList();
        int lastImpure = written.FindLastIndex(expression => !IsPure(expression));
        var hoisted = new List<(ExpressionSyntax, string)>();
        for (int i = 0; i <= lastImpure; i++)
        {
            ExpressionSyntax expression = written[i];
            if (model.GetConstantValue(expression, cancellationToken).HasValue)
            {
                continue;
            }

            if (expression is ImplicitObjectCreationExpressionSyntax or AnonymousFunctionExpressionSyntax
                || (expression is LiteralExpressionSyntax literal && literal.IsKind(SyntaxKind.DefaultLiteralExpression)))
            {
                // 'var x = new(...)' does not compile: no fix rather than a broken one.
                return null;
            }

            string parameter = operation.Arguments.FirstOrDefault(a => a.Syntax is ArgumentSyntax s && s.Expression == expression)?.Parameter?.Name ?? "argument";
            hoisted.Add((expression, parameter));
        }

        return new WakePlan(call, access.Expression, start, length, source, hoisted);
    }

    /// <summary>The Wake statement's text, with hoisted arguments replaced by their locals.</summary>
    public string WakeText(IReadOnlyDictionary<ExpressionSyntax, string> locals)
    {
        string Text(ExpressionSyntax expression) => locals.TryGetValue(expression, out string? name) ? name : expression.ToString();

        string length = Length is not null
            ? Text(Length)
            : (locals.ContainsKey(Source!) || IsSimple(Source!) ? Text(Source!) : "(" + Source + ")") + ".Length";
        return $"{Receiver}.Wake({Text(Start)}, {length});";
    }

    /// <summary>True when evaluating the expression twice gives the same value and does nothing else.</summary>
    public static bool IsPure(ExpressionSyntax expression)
    {
        foreach (SyntaxNode node in expression.DescendantNodesAndSelf())
        {
            switch (node)
            {
                case InvocationExpressionSyntax:
                case AssignmentExpressionSyntax:
                case BaseObjectCreationExpressionSyntax:
                case AwaitExpressionSyntax:
                case StackAllocArrayCreationExpressionSyntax:
                case ImplicitStackAllocArrayCreationExpressionSyntax:
                case ArrayCreationExpressionSyntax:
                case AnonymousFunctionExpressionSyntax:
                case PrefixUnaryExpressionSyntax prefix when prefix.IsKind(SyntaxKind.PreIncrementExpression) || prefix.IsKind(SyntaxKind.PreDecrementExpression):
                case PostfixUnaryExpressionSyntax postfix when postfix.IsKind(SyntaxKind.PostIncrementExpression) || postfix.IsKind(SyntaxKind.PostDecrementExpression):
                    return false;
            }
        }

        return true;
    }

    private static bool IsSimple(ExpressionSyntax expression) =>
        expression is IdentifierNameSyntax or MemberAccessExpressionSyntax or LiteralExpressionSyntax or ThisExpressionSyntax;

    private static ExpressionSyntax? Argument(IInvocationOperation operation, string parameter) =>
        operation.Arguments.FirstOrDefault(argument => argument.Parameter?.Name == parameter)?.Syntax is ArgumentSyntax argument
            ? argument.Expression
            : null;
}
