using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Uffd.Analyzers.Protocol;

/// <summary>
/// UFFD0052: a P/Invoke <c>ioctl(fd, UFFDIO_API, ...)</c> whose fd comes from a Userfaultfd's <c>Handle</c>
/// (directly, through <c>DangerousGetFd()</c> / <c>DangerousGetHandle()</c>, or through locals assigned only from
/// those). Userfaultfd.Create already did the handshake on that fd; the kernel refuses a second one.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SecondHandshakeAnalyzer : DiagnosticAnalyzer
{
    /// <summary>UFFDIO_API = _IOWR(0xAA, 0x3F, struct uffdio_api); the kernel reads the request as 32 bits.</summary>
    private const uint UffdioApi = 0xC018AA3F;

    /// <summary>How many locals deep the fd's origin is followed.</summary>
    private const int MaxDepth = 8;

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.SecondApiHandshake);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            INamedTypeSymbol? userfaultfd = start.Compilation.GetTypeByMetadataName(ProtocolOperations.UserfaultfdMetadataName);
            if (userfaultfd is null)
            {
                return;
            }

            var imports = new ImportAttributes(
                start.Compilation.GetTypeByMetadataName("System.Runtime.InteropServices.DllImportAttribute"),
                start.Compilation.GetTypeByMetadataName("System.Runtime.InteropServices.LibraryImportAttribute"));
            start.RegisterOperationAction(operationContext => Analyze(operationContext, userfaultfd, imports), OperationKind.Invocation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, INamedTypeSymbol userfaultfd, ImportAttributes imports)
    {
        var invocation = (IInvocationOperation)context.Operation;
        IMethodSymbol method = invocation.TargetMethod;
        if (method.Name != "ioctl" || method.Parameters.Length < 2 || !IsPInvoke(method, imports))
        {
            return;
        }

        ulong? request = ProtocolOperations.ConstantBits(ProtocolOperations.ArgumentAt(invocation, 1)?.Value);
        if (request is null || unchecked((uint)request.Value) != UffdioApi)
        {
            return;
        }

        IOperation? fd = ProtocolOperations.ArgumentAt(invocation, 0)?.Value;
        if (UserfaultfdOf(fd, userfaultfd, Root(invocation), MaxDepth) is { } origin)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.SecondApiHandshake,
                invocation.Syntax.GetLocation(),
                origin.Instance?.Syntax.ToString() ?? "this"));
        }
    }

    /// <summary>The whole member body: a local can be assigned outside the lambda that passes it.</summary>
    private static IOperation Root(IOperation operation)
    {
        while (operation.Parent is { } parent)
        {
            operation = parent;
        }

        return operation;
    }

    private static bool IsPInvoke(IMethodSymbol method, ImportAttributes imports) =>
        method.IsExtern
        || HasImportAttribute(method, imports)
        || (method.PartialDefinitionPart is { } definition && HasImportAttribute(definition, imports));

    private static bool HasImportAttribute(IMethodSymbol method, ImportAttributes imports)
    {
        foreach (AttributeData attribute in method.GetAttributes())
        {
            if (attribute.AttributeClass is { } type
                && (SymbolEqualityComparer.Default.Equals(type, imports.DllImport)
                    || SymbolEqualityComparer.Default.Equals(type, imports.LibraryImport)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The <c>userfaultfd.Handle</c> property reference <paramref name="fd"/> derives from, or null.
    /// </summary>
    private static IPropertyReferenceOperation? UserfaultfdOf(IOperation? fd, INamedTypeSymbol userfaultfd, IOperation function, int depth)
    {
        if (depth <= 0)
        {
            return null;
        }

        switch (ProtocolOperations.Unwrap(fd))
        {
            case IPropertyReferenceOperation { Property.Name: "Handle" } handle
                when SymbolEqualityComparer.Default.Equals(handle.Property.ContainingType?.OriginalDefinition, userfaultfd):
                return handle;

            // FileDescriptorHandle.DangerousGetFd() and SafeHandle.DangerousGetHandle() on such a handle.
            case IInvocationOperation { TargetMethod.Name: "DangerousGetFd" or "DangerousGetHandle", Instance: { } instance }:
                return UserfaultfdOf(instance, userfaultfd, function, depth - 1);

            case ILocalReferenceOperation local:
                return FromLocal(local.Local, userfaultfd, function, depth - 1);

            default:
                return null;
        }
    }

    /// <summary>The origin shared by every value the function stores in <paramref name="local"/>; null if any differs.</summary>
    private static IPropertyReferenceOperation? FromLocal(ILocalSymbol local, INamedTypeSymbol userfaultfd, IOperation function, int depth)
    {
        IPropertyReferenceOperation? origin = null;
        foreach (IOperation descendant in function.Descendants())
        {
            IOperation? value = descendant switch
            {
                IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local)
                    => declarator.Initializer?.Value,
                ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment
                    when SymbolEqualityComparer.Default.Equals(target.Local, local)
                    => assignment.Value,
                _ => null,
            };
            if (value is null)
            {
                continue;
            }

            IPropertyReferenceOperation? source = UserfaultfdOf(value, userfaultfd, function, depth);
            if (source is null)
            {
                return null;
            }

            origin ??= source;
        }

        return origin;
    }

    /// <summary>The P/Invoke marker attributes (either may be missing on older frameworks).</summary>
    private sealed class ImportAttributes
    {
        public ImportAttributes(INamedTypeSymbol? dllImport, INamedTypeSymbol? libraryImport)
        {
            DllImport = dllImport;
            LibraryImport = libraryImport;
        }

        public INamedTypeSymbol? DllImport { get; }

        public INamedTypeSymbol? LibraryImport { get; }
    }
}
