using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Uffd.SourceGeneration;

/// <summary>
/// The rules a <c>[FaultRegion]</c> declaration must follow to be generated. Pure functions over symbols: each returns
/// the first broken rule, or null. The generator emits nothing for a broken declaration; the analyzers (which link
/// this same file) report it, so the two can never disagree about what is valid.
/// </summary>
internal static class RegionDeclarationRules
{
    public const string FaultRegionAttributeMetadataName = "Uffd.FaultRegionAttribute";

    /// <summary>Suffix of the generated files; members declared only there are the generator's own, not conflicts.</summary>
    public const string GeneratedFileSuffix = ".FaultRegion.g.cs";

    /// <summary>Names of the private members the generated part declares besides its public surface.</summary>
    public const string CallbacksTypeName = "UffdRegionCallbacks";
    public const string LifetimeFieldName = "_uffdRegion";

    private static readonly string[] RuntimeTypes =
    {
        "Uffd.Regions.FaultRegionEngine`1",
        "Uffd.Regions.FaultRegionLifetime`1",
        "Uffd.Regions.IFaultRegionCallbacks",
        "Uffd.Regions.FaultRegionSettings",
        "Uffd.Regions.FaultRegionStatistics",
        "Uffd.Regions.RegionStream",
        "Uffd.PageFaultContext",
        "Uffd.PageFill",
    };

    private static readonly string[] PrivateGeneratedNames = { CallbacksTypeName, LifetimeFieldName };

    /// <summary>Checks every rule, in the order a user would fix them; on success returns the provider and write handler.</summary>
    public static RegionDeclarationError? Validate(
        INamedTypeSymbol type, Compilation compilation, CancellationToken cancellationToken, out RegionDeclaration declaration)
    {
        declaration = default;
        RegionDeclarationError? error = CheckRuntimeReferenced(compilation) ?? CheckType(type, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        error = ReadOptions(type, out RegionOptions options) ?? CheckOptions(options);
        if (error is not null)
        {
            return error;
        }

        error = FindCallbacks(type, options, out RegionCallbacks callbacks) ?? CheckMemberConflicts(type, options);
        if (error is null)
        {
            declaration = new RegionDeclaration(options, callbacks);
        }

        return error;
    }

    /// <summary>The generated code calls the region engine and names the callback types: Uffd.Runtime must be referenced.</summary>
    public static RegionDeclarationError? CheckRuntimeReferenced(Compilation compilation)
    {
        foreach (string name in RuntimeTypes)
        {
            if (compilation.GetTypeByMetadataName(name) is null)
            {
                return RegionDeclarationError.RuntimeNotReferenced;
            }
        }

        return null;
    }

    /// <summary>A non-generic, non-static, non-record partial class, nested only in non-generic partial classes and structs.</summary>
    public static RegionDeclarationError? CheckType(INamedTypeSymbol type, CancellationToken cancellationToken) =>
        FindTypeProblem(type, cancellationToken)?.Error;

    /// <summary><see cref="CheckType"/> with the containing type at fault, for a diagnostic to name.</summary>
    public static RegionTypeProblem? FindTypeProblem(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        if (type.TypeKind != TypeKind.Class)
        {
            return new RegionTypeProblem(RegionDeclarationError.NotAClass);
        }

        if (type.IsRecord)
        {
            return new RegionTypeProblem(RegionDeclarationError.IsRecord);
        }

        if (type.IsStatic)
        {
            return new RegionTypeProblem(RegionDeclarationError.IsStatic);
        }

        if (type.Arity > 0)
        {
            return new RegionTypeProblem(RegionDeclarationError.IsGeneric);
        }

        if (type.IsFileLocal)
        {
            return new RegionTypeProblem(RegionDeclarationError.IsFileLocal);
        }

        if (!IsPartial(type, cancellationToken))
        {
            return new RegionTypeProblem(RegionDeclarationError.NotPartial);
        }

        if (HasSyntaxErrors(type, cancellationToken))
        {
            return new RegionTypeProblem(RegionDeclarationError.SyntaxErrors);
        }

        // First, since no partial modifier anywhere helps there: an interface anywhere up the chain.
        for (INamedTypeSymbol? container = type.ContainingType; container is not null; container = container.ContainingType)
        {
            if (container.TypeKind == TypeKind.Interface)
            {
                return new RegionTypeProblem(RegionDeclarationError.NestedInInterface, container);
            }
        }

        for (INamedTypeSymbol? container = type.ContainingType; container is not null; container = container.ContainingType)
        {
            if (container.Arity > 0)
            {
                return new RegionTypeProblem(RegionDeclarationError.ContainingTypeGeneric, container);
            }

            // A file-local type can only be reopened in its own file, which the generated half is not.
            if (container.IsFileLocal)
            {
                return new RegionTypeProblem(RegionDeclarationError.IsFileLocal, container);
            }

            if (container.TypeKind is not (TypeKind.Class or TypeKind.Struct) || !IsPartial(container, cancellationToken))
            {
                return new RegionTypeProblem(RegionDeclarationError.ContainingTypeNotPartial, container);
            }
        }

        int regionAttributes = 0;
        foreach (AttributeData attribute in type.GetAttributes())
        {
            if (IsRuntimeType(attribute.AttributeClass, "FaultRegionAttribute"))
            {
                regionAttributes++;
            }
        }

        return regionAttributes > 1 ? new RegionTypeProblem(RegionDeclarationError.DuplicateAttribute) : null;
    }

    /// <summary>Reads the attribute's named arguments; defaults are the attribute's own.</summary>
    public static RegionDeclarationError? ReadOptions(INamedTypeSymbol type, out RegionOptions options)
    {
        options = new RegionOptions(
            RegionFaultMode.Missing, 0, 0, 0, RegionMemoryKind.Default, RegionErrorPolicy.FailFast, false, RegionWriteTracking.Synchronous,
            RegionUserModeOnly.Forbid);
        AttributeData? attribute = null;
        foreach (AttributeData candidate in type.GetAttributes())
        {
            if (IsRuntimeType(candidate.AttributeClass, "FaultRegionAttribute"))
            {
                attribute = candidate;
                break;
            }
        }

        if (attribute is null || attribute.AttributeConstructor is null || attribute.ConstructorArguments.Length != 0)
        {
            return RegionDeclarationError.InvalidAttributeArgument;
        }

        RegionFaultMode mode = RegionFaultMode.Missing;
        long pages = 0;
        int handlerThreads = 0, readAhead = 0;
        RegionMemoryKind memory = RegionMemoryKind.Default;
        RegionErrorPolicy policy = RegionErrorPolicy.FailFast;
        bool protectOnFill = false;
        RegionWriteTracking writeTracking = RegionWriteTracking.Synchronous;
        RegionUserModeOnly userModeOnly = RegionUserModeOnly.Forbid;
        int maxFaultsInFlight = 0;
        RegionReadAheadMode readAheadMode = RegionReadAheadMode.Always;
        bool remote = false;
        foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
        {
            TypedConstant value = argument.Value;
            if (value.Kind is TypedConstantKind.Error or TypedConstantKind.Array || value.Value is null)
            {
                return RegionDeclarationError.InvalidAttributeArgument;
            }

            try
            {
                switch (argument.Key)
                {
                    case "Mode": mode = (RegionFaultMode)Convert.ToInt32(value.Value); break;
                    case "Pages": pages = Convert.ToInt64(value.Value); break;
                    case "HandlerThreads": handlerThreads = Convert.ToInt32(value.Value); break;
                    case "ReadAhead": readAhead = Convert.ToInt32(value.Value); break;
                    case "Memory": memory = (RegionMemoryKind)Convert.ToInt32(value.Value); break;
                    case "OnProviderError": policy = (RegionErrorPolicy)Convert.ToInt32(value.Value); break;
                    case "ProtectOnFill": protectOnFill = Convert.ToBoolean(value.Value); break;
                    case "WriteTracking": writeTracking = (RegionWriteTracking)Convert.ToInt32(value.Value); break;
                    case "UserModeOnly": userModeOnly = (RegionUserModeOnly)Convert.ToInt32(value.Value); break;
                    case "MaxFaultsInFlight": maxFaultsInFlight = Convert.ToInt32(value.Value); break;
                    case "ReadAheadMode": readAheadMode = (RegionReadAheadMode)Convert.ToInt32(value.Value); break;
                    case "Remote": remote = Convert.ToBoolean(value.Value); break;
                    default: return RegionDeclarationError.InvalidAttributeArgument;
                }
            }
            catch (Exception e) when (e is InvalidCastException or OverflowException or FormatException)
            {
                return RegionDeclarationError.InvalidAttributeArgument;
            }
        }

        options = new RegionOptions(mode, pages, handlerThreads, readAhead, memory, policy, protectOnFill, writeTracking, userModeOnly, maxFaultsInFlight, readAheadMode, remote);
        return null;
    }

    /// <summary>
    /// The most pages a region can have: the runtime's page table is one int per page in one array, so at most
    /// Array.MaxLength, which netstandard2.0 does not expose (the runtime names it UffdLimits.MaxRegionPages).
    /// </summary>
    public const long MaxRegionPages = 0x7FFFFFC7;

    /// <summary>
    /// The first option <see cref="CheckOptions"/> rejects, with the argument that sets it and the reason a diagnostic
    /// states; null when the options are valid.
    /// </summary>
    public static RegionOptionProblem? FindOptionProblem(in RegionOptions options)
    {
        RegionDeclarationError? error = CheckOptions(options);
        return error is null ? null : new RegionOptionProblem(error.Value, ArgumentOf(error.Value, options), ReasonOf(error.Value, options));
    }

    private static string? ArgumentOf(RegionDeclarationError error, in RegionOptions options) => error switch
    {
        RegionDeclarationError.InvalidMode => "Mode",
        RegionDeclarationError.InvalidMemory => "Memory",
        RegionDeclarationError.InvalidProviderErrorPolicy => "OnProviderError",
        RegionDeclarationError.NegativePages or RegionDeclarationError.PagesAboveMaximum => "Pages",
        RegionDeclarationError.NegativeHandlerThreads => "HandlerThreads",
        RegionDeclarationError.NegativeMaxFaultsInFlight => "MaxFaultsInFlight",
        RegionDeclarationError.InvalidReadAheadMode or RegionDeclarationError.SequentialReadAheadWithoutReadAhead => "ReadAheadMode",
        RegionDeclarationError.NegativeReadAhead or RegionDeclarationError.ReadAheadWithoutMissing => "ReadAhead",
        RegionDeclarationError.MinorOnAnonymousMemory => "Memory",
        RegionDeclarationError.ProtectOnFillWithoutMissingAndWriteProtect => "ProtectOnFill",
        RegionDeclarationError.InvalidWriteTracking or RegionDeclarationError.AsynchronousTrackingWithoutWriteProtect => "WriteTracking",
        RegionDeclarationError.InvalidUserModeOnly => "UserModeOnly",
        RegionDeclarationError.ProtectOnFillWithAsynchronousTracking => "ProtectOnFill",
        RegionDeclarationError.RemoteModeNotMissing => "Mode",
        RegionDeclarationError.RemoteWithLocalOption => LocalOptionOfRemote(options),
        _ => null,
    };

    /// <summary>
    /// The first option set that a remote region takes from its process instead (see
    /// <see cref="RegionDeclarationError.RemoteWithLocalOption"/>), or null when none is.
    /// </summary>
    private static string? LocalOptionOfRemote(in RegionOptions options) =>
        options.Pages != 0 ? "Pages"
        : options.Memory != RegionMemoryKind.Default ? "Memory"
        : options.UserModeOnly != RegionUserModeOnly.Forbid ? "UserModeOnly"
        : null;

    private static string ReasonOf(RegionDeclarationError error, in RegionOptions options) => error switch
    {
        RegionDeclarationError.InvalidMode when options.Mode == RegionFaultMode.None => "Mode has no fault kind; use Missing, WriteProtect, Minor or a combination",
        RegionDeclarationError.InvalidMode => $"Mode = {Invariant((int)options.Mode)} has bits that are not FaultMode values",
        RegionDeclarationError.InvalidMemory => $"Memory = {Invariant((int)options.Memory)} is not a RegionMemory value",
        RegionDeclarationError.InvalidProviderErrorPolicy => $"OnProviderError = {Invariant((int)options.OnProviderError)} is not a ProviderErrorPolicy value",
        RegionDeclarationError.NegativeHandlerThreads => $"HandlerThreads = {Invariant(options.HandlerThreads)} is negative; 0 means one per CPU",
        RegionDeclarationError.NegativeReadAhead => $"ReadAhead = {Invariant(options.ReadAhead)} is negative",
        RegionDeclarationError.InvalidReadAheadMode => $"ReadAheadMode = {Invariant((int)options.ReadAheadMode)} is not a ReadAheadMode value",
        RegionDeclarationError.NegativeMaxFaultsInFlight => $"MaxFaultsInFlight = {Invariant(options.MaxFaultsInFlight)} is negative; 0 means the runtime's default",
        RegionDeclarationError.InvalidWriteTracking => $"WriteTracking = {Invariant((int)options.WriteTracking)} is not a WriteTracking value",
        RegionDeclarationError.InvalidUserModeOnly => $"UserModeOnly = {Invariant((int)options.UserModeOnly)} is not a UserModeOnlyPolicy value",
        RegionDeclarationError.RemoteModeNotMissing =>
            "a remote region serves Missing faults only: UFFDIO_MOVE cannot resolve into another process, CONTINUE needs a mapping of its shared file, and remote write protection is not supported",
        _ => error.ToString(),
    };

    private static string Invariant(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Rules between the attribute's values.</summary>
    public static RegionDeclarationError? CheckOptions(in RegionOptions options)
    {
        if (options.Mode == RegionFaultMode.None || (options.Mode & ~RegionFaultMode.All) != 0)
        {
            return RegionDeclarationError.InvalidMode;
        }

        if (options.Memory is < RegionMemoryKind.Default or > RegionMemoryKind.HugePages)
        {
            return RegionDeclarationError.InvalidMemory;
        }

        if (options.OnProviderError is < RegionErrorPolicy.FailFast or > RegionErrorPolicy.Poison)
        {
            return RegionDeclarationError.InvalidProviderErrorPolicy;
        }

        if (options.WriteTracking is < RegionWriteTracking.Synchronous or > RegionWriteTracking.Asynchronous)
        {
            return RegionDeclarationError.InvalidWriteTracking;
        }

        if (options.UserModeOnly is < RegionUserModeOnly.Allow or > RegionUserModeOnly.Forbid)
        {
            return RegionDeclarationError.InvalidUserModeOnly;
        }

        if (options.Pages < 0)
        {
            return RegionDeclarationError.NegativePages;
        }

        if (options.Pages > MaxRegionPages)
        {
            return RegionDeclarationError.PagesAboveMaximum;
        }

        if (options.HandlerThreads < 0)
        {
            return RegionDeclarationError.NegativeHandlerThreads;
        }

        if (options.ReadAhead < 0)
        {
            return RegionDeclarationError.NegativeReadAhead;
        }

        if (options.ReadAheadMode is < RegionReadAheadMode.Always or > RegionReadAheadMode.Sequential)
        {
            return RegionDeclarationError.InvalidReadAheadMode;
        }

        if (options.MaxFaultsInFlight < 0)
        {
            return RegionDeclarationError.NegativeMaxFaultsInFlight;
        }

        if (options.ReadAhead > 0 && (options.Mode & RegionFaultMode.Missing) == 0)
        {
            return RegionDeclarationError.ReadAheadWithoutMissing;
        }

        if (options.ReadAheadMode == RegionReadAheadMode.Sequential && options.ReadAhead == 0)
        {
            return RegionDeclarationError.SequentialReadAheadWithoutReadAhead;
        }

        if ((options.Mode & RegionFaultMode.Minor) != 0 && options.Memory == RegionMemoryKind.Anonymous)
        {
            return RegionDeclarationError.MinorOnAnonymousMemory;
        }

        const RegionFaultMode MissingAndWriteProtect = RegionFaultMode.Missing | RegionFaultMode.WriteProtect;
        if (options.ProtectOnFill && (options.Mode & MissingAndWriteProtect) != MissingAndWriteProtect)
        {
            return RegionDeclarationError.ProtectOnFillWithoutMissingAndWriteProtect;
        }

        if (options.WriteTracking == RegionWriteTracking.Asynchronous && !options.HasWriteProtect)
        {
            return RegionDeclarationError.AsynchronousTrackingWithoutWriteProtect;
        }

        if (options.ProtectOnFill && options.HasAsynchronousWriteProtect)
        {
            return RegionDeclarationError.ProtectOnFillWithAsynchronousTracking;
        }

        if (options.Remote && options.Mode != RegionFaultMode.Missing)
        {
            return RegionDeclarationError.RemoteModeNotMissing;
        }

        if (options.Remote && LocalOptionOfRemote(options) is not null)
        {
            return RegionDeclarationError.RemoteWithLocalOption;
        }

        return null;
    }

    /// <summary>
    /// Finds the <c>[PageProvider]</c> and <c>[WriteHandler]</c> methods declared in the class itself. Missing or Minor
    /// faults need exactly one provider; synchronous WriteProtect may have at most one write handler (without one,
    /// written pages are simply unprotected); a callback the mode never calls (a write handler with asynchronous
    /// tracking, where the kernel resolves writes itself) is an error.
    /// </summary>
    public static RegionDeclarationError? FindCallbacks(INamedTypeSymbol type, in RegionOptions options, out RegionCallbacks callbacks)
    {
        callbacks = default;
        IMethodSymbol? provider = null, writeHandler = null;
        int providers = 0, writeHandlers = 0;
        bool writesWholePage = false;
        int maxPagesPerCall = 1;
        foreach (ISymbol member in type.GetMembers())
        {
            if (member is not IMethodSymbol method)
            {
                continue;
            }

            foreach (AttributeData attribute in method.GetAttributes())
            {
                if (IsRuntimeType(attribute.AttributeClass, "PageProviderAttribute"))
                {
                    provider = method;
                    providers++;
                    foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
                    {
                        if (argument.Key == "WritesWholePage" && argument.Value.Value is bool value)
                        {
                            writesWholePage = value;
                        }
                        else if (argument.Key == "MaxPagesPerCall" && argument.Value.Value is int pagesPerCall)
                        {
                            maxPagesPerCall = pagesPerCall;
                        }
                    }
                }
                else if (IsRuntimeType(attribute.AttributeClass, "WriteHandlerAttribute"))
                {
                    writeHandler = method;
                    writeHandlers++;
                }
            }
        }

        if (providers > 1)
        {
            return RegionDeclarationError.MultipleProviders;
        }

        if (writeHandlers > 1)
        {
            return RegionDeclarationError.MultipleWriteHandlers;
        }

        CallbackSignature? providerSignature = null, writeHandlerSignature = null;
        if (provider is not null)
        {
            if (!options.NeedsProvider)
            {
                return RegionDeclarationError.UnusedProvider;
            }

            providerSignature = GetProviderSignature(provider);
            if (providerSignature is null)
            {
                return RegionDeclarationError.InvalidProviderSignature;
            }

            if (IsCompiledAway(provider))
            {
                return RegionDeclarationError.CallbackCompiledAway;
            }

            if (IsObsoleteAsError(provider))
            {
                return RegionDeclarationError.CallbackObsoleteAsError;
            }

            if (maxPagesPerCall < 1)
            {
                return RegionDeclarationError.InvalidMaxPagesPerCall;
            }
        }
        else if (options.NeedsProvider)
        {
            return RegionDeclarationError.MissingProvider;
        }

        if (options.MaxFaultsInFlight != 0 && providerSignature is not { IsAsynchronous: true })
        {
            return RegionDeclarationError.MaxFaultsInFlightWithoutAsynchronousProvider;
        }

        if (writeHandler is not null)
        {
            if (!options.HasSynchronousWriteProtect)
            {
                return RegionDeclarationError.UnusedWriteHandler;
            }

            writeHandlerSignature = GetWriteHandlerSignature(writeHandler);
            if (writeHandlerSignature is null)
            {
                return RegionDeclarationError.InvalidWriteHandlerSignature;
            }

            if (IsCompiledAway(writeHandler))
            {
                return RegionDeclarationError.CallbackCompiledAway;
            }

            if (IsObsoleteAsError(writeHandler))
            {
                return RegionDeclarationError.CallbackObsoleteAsError;
            }
        }

        callbacks = new RegionCallbacks(provider, providerSignature, writeHandler, writeHandlerSignature, writesWholePage, maxPagesPerCall);
        return null;
    }

    /// <summary>
    /// True when the compiler drops calls to <paramref name="method"/>: a partial method declared without a body (its
    /// calls vanish), or a <c>[Conditional]</c> method (its calls vanish unless the symbol is defined at the call, and
    /// the call is in the generated file). A provider whose calls vanish leaves every page as the zeros it was
    /// cleared to, counted as filled.
    /// </summary>
    public static bool IsCompiledAway(IMethodSymbol method)
    {
        if (method.IsPartialDefinition && method.PartialImplementationPart is null)
        {
            return true;
        }

        foreach (AttributeData attribute in (method.PartialDefinitionPart ?? method).GetAttributes())
        {
            if (attribute.AttributeClass is { Name: "ConditionalAttribute" } conditional
                && conditional.ContainingNamespace.ToDisplayString() == "System.Diagnostics")
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// True for <c>[Obsolete(message, error: true)]</c>: every call is error CS0619, which no pragma suppresses, so the
    /// generated call would break the build. Not inside an <c>[Obsolete]</c> region or container: there the call is in
    /// an obsolete context, which the compiler does not report.
    /// </summary>
    public static bool IsObsoleteAsError(IMethodSymbol method)
    {
        for (INamedTypeSymbol? type = method.ContainingType; type is not null; type = type.ContainingType)
        {
            if (FindObsolete(type) is not null)
            {
                return false;
            }
        }

        return FindObsolete(method.PartialDefinitionPart ?? method) is { ConstructorArguments: { Length: 2 } arguments }
               && arguments[1].Value is true;
    }

    private static AttributeData? FindObsolete(ISymbol symbol)
    {
        foreach (AttributeData attribute in symbol.GetAttributes())
        {
            if (attribute.AttributeClass is { Name: "ObsoleteAttribute", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } })
            {
                return attribute;
            }
        }

        return null;
    }

    /// <summary>
    /// <c>void|PageFill M(long pageIndex | [in] PageFaultContext context, Span&lt;byte&gt; page)</c>, or asynchronous,
    /// <c>ValueTask|ValueTask&lt;PageFill&gt; M(long pageIndex | PageFaultContext context, Memory&lt;byte&gt; page,
    /// CancellationToken cancellationToken)</c> (async or not): an ordinary, non-generic method, static or instance,
    /// of any accessibility. Null for anything else.
    /// </summary>
    public static CallbackSignature? GetProviderSignature(IMethodSymbol method) => CheckProviderSignature(method).Signature;

    /// <summary>
    /// <see cref="GetProviderSignature"/> with the reason for a rejection: the checks run in the order a reader fixes
    /// them (the method's kind, its parameter count, its return type, then each parameter).
    /// </summary>
    public static CallbackSignatureCheck CheckProviderSignature(IMethodSymbol method)
    {
        if (AsynchronousReturn(method.ReturnType) is { } returnsPageFillAsynchronously)
        {
            return CheckAsynchronousProviderSignature(method, returnsPageFillAsynchronously);
        }

        if (method.IsAsync)
        {
            return CallbackSignatureCheck.Rejected(
                $" (an async provider returns ValueTask or ValueTask<PageFill>, not '{method.ReturnType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)}')");
        }

        if (IsValueTask(method.ReturnType, out _))
        {
            // ValueTask<T> of anything but PageFill: the return type is what is wrong, whatever the parameters.
            return CallbackSignatureCheck.Rejected(ReturnsReason(method));
        }

        string? reason = CheckMethod(method, "providers", expectedParameters: 2);
        if (reason is not null)
        {
            return CallbackSignatureCheck.Rejected(reason);
        }

        bool returnsPageFill = IsRuntimeType(method.ReturnType, "PageFill");
        if (!method.ReturnsVoid && !returnsPageFill)
        {
            return CallbackSignatureCheck.Rejected(ReturnsReason(method));
        }

        IParameterSymbol page = method.Parameters[1];
        if (page.RefKind != RefKind.None || !IsSpanOfByte(page.Type))
        {
            return CallbackSignatureCheck.Rejected(" (the second parameter must be Span<byte>)");
        }

        CallbackInput? input = GetInput(method.Parameters[0]);
        return input is null
            ? CallbackSignatureCheck.Rejected(FirstParameterReason(method.Parameters[0]))
            : CallbackSignatureCheck.Supported(new CallbackSignature(input.Value, returnsPageFill));
    }

    /// <summary>The asynchronous provider's rules, in the synchronous one's order; the context comes by value (async methods take no 'in').</summary>
    private static CallbackSignatureCheck CheckAsynchronousProviderSignature(IMethodSymbol method, bool returnsPageFill)
    {
        string? reason = CheckMethodKind(method);
        if (reason is not null)
        {
            return CallbackSignatureCheck.Rejected(reason);
        }

        if (method.Parameters.Length != 3)
        {
            return CallbackSignatureCheck.Rejected(
                $" (an asynchronous provider has 3 parameters, the third a CancellationToken; it has {method.Parameters.Length})");
        }

        IParameterSymbol page = method.Parameters[1];
        if (page.RefKind != RefKind.None || !IsSystemGenericOfByte(page.Type, "Memory"))
        {
            return CallbackSignatureCheck.Rejected(" (the second parameter of an asynchronous provider must be Memory<byte>)");
        }

        IParameterSymbol token = method.Parameters[2];
        if (token.RefKind != RefKind.None || !IsCancellationToken(token.Type))
        {
            return CallbackSignatureCheck.Rejected(" (the third parameter of an asynchronous provider must be CancellationToken)");
        }

        CallbackInput? input = GetInput(method.Parameters[0]);
        if (input == CallbackInput.InContext)
        {
            return CallbackSignatureCheck.Rejected(" (an asynchronous provider takes the context by value)");
        }

        return input is null
            ? CallbackSignatureCheck.Rejected(FirstParameterReason(method.Parameters[0]))
            : CallbackSignatureCheck.Supported(new CallbackSignature(input.Value, returnsPageFill, isAsynchronous: true));
    }

    /// <summary>
    /// For <c>System.Threading.Tasks.ValueTask</c>: false; for <c>ValueTask&lt;Uffd.PageFill&gt;</c>: true (an
    /// asynchronous provider's two return types); null for any other type.
    /// </summary>
    private static bool? AsynchronousReturn(ITypeSymbol type)
    {
        if (!IsValueTask(type, out INamedTypeSymbol named))
        {
            return null;
        }

        return named.Arity switch
        {
            0 => false,
            1 when IsRuntimeType(named.TypeArguments[0], "PageFill") => true,
            _ => null,
        };
    }

    /// <summary><c>System.Threading.Tasks.ValueTask</c> or <c>ValueTask&lt;T&gt;</c> of any T.</summary>
    private static bool IsValueTask(ITypeSymbol type, out INamedTypeSymbol task)
    {
        task = (type as INamedTypeSymbol)!;
        return task is { Name: "ValueTask" } && IsInNamespace(task, "System", "Threading", "Tasks");
    }

    private static bool IsCancellationToken(ITypeSymbol type) =>
        type is INamedTypeSymbol { Name: "CancellationToken", Arity: 0 } named && IsInNamespace(named, "System", "Threading");

    /// <summary>True when <paramref name="type"/> is declared in exactly the namespace <paramref name="names"/> (outermost first).</summary>
    private static bool IsInNamespace(INamedTypeSymbol type, params string[] names)
    {
        INamespaceSymbol? ns = type.ContainingNamespace;
        for (int i = names.Length - 1; i >= 0; i--)
        {
            if (ns is null || ns.Name != names[i])
            {
                return false;
            }

            ns = ns.ContainingNamespace;
        }

        return ns is { IsGlobalNamespace: true };
    }

    /// <summary><c>void M(long pageIndex | [in] PageFaultContext context)</c>; same method rules as a provider.</summary>
    public static CallbackSignature? GetWriteHandlerSignature(IMethodSymbol method) => CheckWriteHandlerSignature(method).Signature;

    /// <summary><see cref="GetWriteHandlerSignature"/> with the reason for a rejection, checked in the provider's order.</summary>
    public static CallbackSignatureCheck CheckWriteHandlerSignature(IMethodSymbol method)
    {
        string? reason = CheckMethod(method, "write handlers", expectedParameters: 1);
        if (reason is not null)
        {
            return CallbackSignatureCheck.Rejected(reason);
        }

        if (!method.ReturnsVoid)
        {
            return CallbackSignatureCheck.Rejected(ReturnsReason(method));
        }

        CallbackInput? input = GetInput(method.Parameters[0]);
        return input is null
            ? CallbackSignatureCheck.Rejected(FirstParameterReason(method.Parameters[0]))
            : CallbackSignatureCheck.Supported(new CallbackSignature(input.Value, returnsPageFill: false));
    }

    /// <summary>The members the generated part adds for these options (the public surface and its private helpers).</summary>
    public static IEnumerable<string> GetGeneratedMemberNames(RegionOptions options)
    {
        // The public surface comes from the table the deadlock rules read too (GeneratedMembers.cs).
        foreach (string name in GeneratedMembers.NamesFor(options))
        {
            yield return name;
        }

        foreach (string name in PrivateGeneratedNames)
        {
            yield return name;
        }
    }

    /// <summary>
    /// The user's own Dispose, Open, Read, ... (in the class or a non-private one in a base class) would clash with or
    /// hide the generated member, and a class named like one of them cannot declare it (CS0542).
    /// </summary>
    public static RegionDeclarationError? CheckMemberConflicts(INamedTypeSymbol type, in RegionOptions options)
    {
        if (FindExplicitDispose(type) is not null)
        {
            return RegionDeclarationError.MemberNameConflict;
        }

        foreach (string name in GetGeneratedMemberNames(options))
        {
            if (type.Name == name)
            {
                return RegionDeclarationError.MemberNameConflict;
            }

            foreach (ISymbol member in type.GetMembers(name))
            {
                if (!IsGeneratedHere(member))
                {
                    return RegionDeclarationError.MemberNameConflict;
                }
            }

            for (INamedTypeSymbol? baseType = type.BaseType;
                 baseType is not null && baseType.SpecialType != SpecialType.System_Object;
                 baseType = baseType.BaseType)
            {
                foreach (ISymbol member in baseType.GetMembers(name))
                {
                    if (member.DeclaredAccessibility != Accessibility.Private)
                    {
                        return RegionDeclarationError.MemberNameConflict;
                    }
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The class's own explicit <c>void IDisposable.Dispose()</c>, or null. It is not named Dispose, but it is what
    /// <c>using</c> calls: it would hijack the generated Dispose, and the region's engine would never be disposed.
    /// </summary>
    public static IMethodSymbol? FindExplicitDispose(INamedTypeSymbol type)
    {
        foreach (ISymbol member in type.GetMembers())
        {
            if (member is IMethodSymbol { MethodKind: MethodKind.ExplicitInterfaceImplementation } method && !IsGeneratedHere(method))
            {
                foreach (IMethodSymbol implemented in method.ExplicitInterfaceImplementations)
                {
                    if (implemented.Name == "Dispose" && implemented.ContainingType.SpecialType == SpecialType.System_IDisposable)
                    {
                        return method;
                    }
                }
            }
        }

        return null;
    }

    /// <summary>True when every declaration of <paramref name="type"/> has the <c>partial</c> modifier.</summary>
    public static bool IsPartial(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        if (type.DeclaringSyntaxReferences.Length == 0)
        {
            return false;
        }

        foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is not TypeDeclarationSyntax declaration
                || !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// True when a file declaring <paramref name="type"/> does not parse: code generated from a half-typed file would
    /// come and go with every keystroke, so the region waits until its files parse (the compiler reports the errors).
    /// </summary>
    public static bool HasSyntaxErrors(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
        {
            SyntaxNode root = reference.SyntaxTree.GetRoot(cancellationToken);
            if (!root.ContainsDiagnostics)
            {
                continue;
            }

            foreach (Diagnostic diagnostic in root.GetDiagnostics())
            {
                if (diagnostic.Severity == DiagnosticSeverity.Error)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>True for <c>Uffd.&lt;name&gt;</c> (the runtime's region types live in namespace Uffd).</summary>
    public static bool IsRuntimeType(ITypeSymbol? type, string name) =>
        type is INamedTypeSymbol { ContainingNamespace: { Name: "Uffd", ContainingNamespace.IsGlobalNamespace: true } } named
        && named.Name == name
        && named.Arity == 0;

    /// <summary>An ordinary, non-generic, synchronous method returning by value with <paramref name="expectedParameters"/> parameters; otherwise why not.</summary>
    private static string? CheckMethod(IMethodSymbol method, string role, int expectedParameters)
    {
        if (method.IsAsync)
        {
            return $" (async methods cannot be {role})";
        }

        string? reason = CheckMethodKind(method);
        if (reason is not null)
        {
            return reason;
        }

        if (method.Parameters.Length != expectedParameters)
        {
            return method.Parameters.Length == 1 ? " (it has 1 parameter)" : $" (it has {method.Parameters.Length} parameters)";
        }

        return null;
    }

    /// <summary>An ordinary, non-generic method returning by value; otherwise why not.</summary>
    private static string? CheckMethodKind(IMethodSymbol method)
    {
        if (method.IsGenericMethod)
        {
            return " (it is generic)";
        }

        if (method.MethodKind != MethodKind.Ordinary)
        {
            return " (it is not an ordinary method)";
        }

        if (method.ReturnsByRef || method.ReturnsByRefReadonly)
        {
            return " (it returns by reference)";
        }

        return null;
    }

    private static string ReturnsReason(IMethodSymbol method) =>
        $" (it returns '{method.ReturnType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)}')";

    private static string FirstParameterReason(IParameterSymbol parameter)
    {
        if (IsRuntimeType(parameter.Type, "PageFaultContext"))
        {
            return " (the context must be passed by value or 'in')";
        }

        if (parameter.Type.SpecialType == SpecialType.System_Int64)
        {
            return " (the page index must be passed by value)";
        }

        return " (the first parameter must be long pageIndex or PageFaultContext context)";
    }

    private static CallbackInput? GetInput(IParameterSymbol parameter)
    {
        if (parameter.Type.SpecialType == SpecialType.System_Int64 && parameter.RefKind == RefKind.None)
        {
            return CallbackInput.PageIndex;
        }

        if (IsRuntimeType(parameter.Type, "PageFaultContext"))
        {
            return parameter.RefKind switch
            {
                RefKind.None => CallbackInput.Context,
                RefKind.In => CallbackInput.InContext,
                _ => null,
            };
        }

        return null;
    }

    private static bool IsSpanOfByte(ITypeSymbol type) => IsSystemGenericOfByte(type, "Span");

    /// <summary><c>System.Span&lt;byte&gt;</c> or <c>System.Memory&lt;byte&gt;</c>, by <paramref name="name"/>.</summary>
    private static bool IsSystemGenericOfByte(ITypeSymbol type, string name) =>
        type is INamedTypeSymbol { Arity: 1, ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } generic
        && generic.Name == name
        && generic.TypeArguments[0].SpecialType == SpecialType.System_Byte;

    private static bool IsGeneratedHere(ISymbol member)
    {
        if (member.DeclaringSyntaxReferences.Length == 0)
        {
            return false;
        }

        foreach (SyntaxReference reference in member.DeclaringSyntaxReferences)
        {
            if (!reference.SyntaxTree.FilePath.EndsWith(GeneratedFileSuffix, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>The provider and write handler found on a valid region class (either may be absent).</summary>
internal readonly struct RegionCallbacks
{
    public RegionCallbacks(
        IMethodSymbol? provider,
        CallbackSignature? providerSignature,
        IMethodSymbol? writeHandler,
        CallbackSignature? writeHandlerSignature,
        bool providerWritesWholePage,
        int providerMaxPagesPerCall = 1)
    {
        ProviderWritesWholePage = providerWritesWholePage;
        ProviderMaxPagesPerCall = providerMaxPagesPerCall;
        Provider = provider;
        ProviderSignature = providerSignature;
        WriteHandler = writeHandler;
        WriteHandlerSignature = writeHandlerSignature;
    }

    public IMethodSymbol? Provider { get; }
    public CallbackSignature? ProviderSignature { get; }
    public IMethodSymbol? WriteHandler { get; }
    public CallbackSignature? WriteHandlerSignature { get; }

    /// <summary><c>[PageProvider(WritesWholePage = true)]</c>: the engine need not zero the staging buffer.</summary>
    public bool ProviderWritesWholePage { get; }

    /// <summary><c>[PageProvider(MaxPagesPerCall = n)]</c>: the most consecutive pages one call fills (1 by default).</summary>
    public int ProviderMaxPagesPerCall { get; }
}

/// <summary>A valid declaration: its options and callbacks. Holds symbols: use it inside one transform only.</summary>
internal readonly struct RegionDeclaration
{
    public RegionDeclaration(RegionOptions options, RegionCallbacks callbacks)
    {
        Options = options;
        Callbacks = callbacks;
    }

    public RegionOptions Options { get; }
    public RegionCallbacks Callbacks { get; }
}
