using Microsoft.CodeAnalysis;
using Uffd.Generators.Tests.Infrastructure;
using Uffd.SourceGeneration;

namespace Uffd.Generators.Tests.Invalid;

/// <summary>
/// For every invalid declaration the generator emits nothing for that type, never throws and reports nothing (the
/// analyzers will), while a valid region in the same compilation is still generated; the shared rules name the reason.
/// </summary>
public sealed class InvalidDeclarationTests
{
    private const string Control = """
        using System;
        using Uffd;

        namespace Control
        {
            [FaultRegion(Pages = 4)]
            public partial class Valid
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);
            }
        }
        """;

    private const string Provider = "[PageProvider] private void Fill(long pageIndex, Span<byte> page) { }";

    public static TheoryData<string, string, string> Cases() => new()
    {
        { "NotPartial", Region("public class Bad { " + Provider + " }"), nameof(RegionDeclarationError.NotPartial) },
        { "Struct", Region("public partial struct Bad { " + Provider + " }"), nameof(RegionDeclarationError.NotAClass) },
        { "RecordStruct", Region("public partial record struct Bad { " + Provider + " }"), nameof(RegionDeclarationError.NotAClass) },
        { "Record", Region("public partial record Bad { " + Provider + " }"), nameof(RegionDeclarationError.IsRecord) },
        { "StaticClass", Region("public static partial class Bad { [PageProvider] private static void Fill(long pageIndex, Span<byte> page) { } }"), nameof(RegionDeclarationError.IsStatic) },
        { "GenericClass", Region("public partial class Bad<T> { " + Provider + " }"), nameof(RegionDeclarationError.IsGeneric) },
        { "FileLocal", Region("file partial class Bad { " + Provider + " }"), nameof(RegionDeclarationError.IsFileLocal) },
        { "NestedInNonPartial", Wrap("public class Outer { [FaultRegion(Pages = 4)] public partial class Bad { " + Provider + " } }"), nameof(RegionDeclarationError.ContainingTypeNotPartial) },
        { "NestedInInterface", Wrap("public partial interface IOuter { public partial class Middle { [FaultRegion(Pages = 4)] public partial class Bad { " + Provider + " } } }"), nameof(RegionDeclarationError.NestedInInterface) },
        { "NestedInGeneric", Wrap("public partial class Outer<T> { [FaultRegion(Pages = 4)] public partial class Bad { " + Provider + " } }"), nameof(RegionDeclarationError.ContainingTypeGeneric) },
        { "NoProviderForMissing", Region("public partial class Bad { }"), nameof(RegionDeclarationError.MissingProvider) },
        { "NoProviderForMinor", Region("public partial class Bad { }", "Mode = FaultMode.Minor, Pages = 4"), nameof(RegionDeclarationError.MissingProvider) },
        { "TwoProviders", Region("public partial class Bad { " + Provider + " [PageProvider] private void Fill2(long pageIndex, Span<byte> page) { } }"), nameof(RegionDeclarationError.MultipleProviders) },
        { "AsyncProvider", Region("public partial class Bad { [PageProvider] private async System.Threading.Tasks.Task Fill(long pageIndex, byte[] page) { await System.Threading.Tasks.Task.Yield(); } }"), nameof(RegionDeclarationError.InvalidProviderSignature) },
        { "GenericProvider", Region("public partial class Bad { [PageProvider] private void Fill<T>(long pageIndex, Span<byte> page) { } }"), nameof(RegionDeclarationError.InvalidProviderSignature) },
        { "ProviderWithIntIndex", Region("public partial class Bad { [PageProvider] private void Fill(int pageIndex, Span<byte> page) { } }"), nameof(RegionDeclarationError.InvalidProviderSignature) },
        { "ProviderWithArray", Region("public partial class Bad { [PageProvider] private void Fill(long pageIndex, byte[] page) { } }"), nameof(RegionDeclarationError.InvalidProviderSignature) },
        { "ProviderWithThreeParameters", Region("public partial class Bad { [PageProvider] private void Fill(long pageIndex, Span<byte> page, int extra) { } }"), nameof(RegionDeclarationError.InvalidProviderSignature) },
        { "ProviderWithRefContext", Region("public partial class Bad { [PageProvider] private void Fill(ref PageFaultContext context, Span<byte> page) { } }"), nameof(RegionDeclarationError.InvalidProviderSignature) },
        { "ProviderReturningInt", Region("public partial class Bad { [PageProvider] private int Fill(long pageIndex, Span<byte> page) => 0; }"), nameof(RegionDeclarationError.InvalidProviderSignature) },
        { "ProviderInWriteProtectOnly", Region("public partial class Bad { " + Provider + " }", "Mode = FaultMode.WriteProtect, Pages = 4"), nameof(RegionDeclarationError.UnusedProvider) },
        { "WriteHandlerWithoutWriteProtect", Region("public partial class Bad { " + Provider + " [WriteHandler] private void OnWrite(long pageIndex) { } }"), nameof(RegionDeclarationError.UnusedWriteHandler) },
        { "TwoWriteHandlers", Region("public partial class Bad { [WriteHandler] private void A(long pageIndex) { } [WriteHandler] private void B(long pageIndex) { } }", "Mode = FaultMode.WriteProtect, Pages = 4"), nameof(RegionDeclarationError.MultipleWriteHandlers) },
        { "WriteHandlerReturningBool", Region("public partial class Bad { [WriteHandler] private bool OnWrite(long pageIndex) => true; }", "Mode = FaultMode.WriteProtect, Pages = 4"), nameof(RegionDeclarationError.InvalidWriteHandlerSignature) },
        { "UserDispose", Region("public partial class Bad : IDisposable { " + Provider + " public void Dispose() { } }"), nameof(RegionDeclarationError.MemberNameConflict) },
        { "UserOpen", Region("public partial class Bad { " + Provider + " public void Open(string path) { } }"), nameof(RegionDeclarationError.MemberNameConflict) },
        { "NestedInFileLocal", Wrap("file partial class Outer { [FaultRegion(Pages = 4)] public partial class Bad { " + Provider + " } }"), nameof(RegionDeclarationError.IsFileLocal) },
        { "BodilessPartialProvider", Region("public partial class Bad { [PageProvider] partial void Fill(long pageIndex, Span<byte> page); }"), nameof(RegionDeclarationError.CallbackCompiledAway) },
        { "ConditionalProvider", Region("public partial class Bad { [System.Diagnostics.Conditional(\"TRACE\")] " + Provider + " }"), nameof(RegionDeclarationError.CallbackCompiledAway) },
        { "ObsoleteAsErrorProvider", Region("public partial class Bad { [Obsolete(\"region only\", true)] " + Provider + " }"), nameof(RegionDeclarationError.CallbackObsoleteAsError) },
        { "ExplicitIDisposableDispose", Region("public partial class Bad : IDisposable { " + Provider + " void IDisposable.Dispose() { } }"), nameof(RegionDeclarationError.MemberNameConflict) },
        { "BaseClassDispose", Region("public partial class Bad : Base { " + Provider + " }") + "\npublic class Base : IDisposable { public void Dispose() { } }", nameof(RegionDeclarationError.MemberNameConflict) },
        { "ClassNamedLikeAMember", Region("public partial class Length { " + Provider + " }").Replace("Bad", "Length"), nameof(RegionDeclarationError.MemberNameConflict) },
        { "EmptyMode", Region("public partial class Bad { " + Provider + " }", "Mode = 0, Pages = 4"), nameof(RegionDeclarationError.InvalidMode) },
        { "UnknownModeBit", Region("public partial class Bad { " + Provider + " }", "Mode = (FaultMode)8, Pages = 4"), nameof(RegionDeclarationError.InvalidMode) },
        { "NegativePages", Region("public partial class Bad { " + Provider + " }", "Pages = -1"), nameof(RegionDeclarationError.NegativePages) },
        { "PagesAboveMaximum", Region("public partial class Bad { " + Provider + " }", "Pages = 1L << 31"), nameof(RegionDeclarationError.PagesAboveMaximum) },
        { "NegativeHandlerThreads", Region("public partial class Bad { " + Provider + " }", "Pages = 4, HandlerThreads = -1"), nameof(RegionDeclarationError.NegativeHandlerThreads) },
        { "ReadAheadWithoutMissing", Region("public partial class Bad { [PageProvider] private void Fill(long pageIndex, Span<byte> page) { } }", "Mode = FaultMode.Minor, Pages = 4, ReadAhead = 2"), nameof(RegionDeclarationError.ReadAheadWithoutMissing) },
        { "MinorOnAnonymous", Region("public partial class Bad { " + Provider + " }", "Mode = FaultMode.Minor, Memory = RegionMemory.Anonymous, Pages = 4"), nameof(RegionDeclarationError.MinorOnAnonymousMemory) },
        { "ProtectOnFillWithoutWriteProtect", Region("public partial class Bad { " + Provider + " }", "Pages = 4, ProtectOnFill = true"), nameof(RegionDeclarationError.ProtectOnFillWithoutMissingAndWriteProtect) },
        { "UnknownWriteTracking", Region("public partial class Bad { }", "Mode = FaultMode.WriteProtect, WriteTracking = (WriteTracking)2, Pages = 4"), nameof(RegionDeclarationError.InvalidWriteTracking) },
        { "AsynchronousTrackingWithoutWriteProtect", Region("public partial class Bad { " + Provider + " }", "WriteTracking = WriteTracking.Asynchronous, Pages = 4"), nameof(RegionDeclarationError.AsynchronousTrackingWithoutWriteProtect) },
        { "ProtectOnFillWithAsynchronousTracking", Region("public partial class Bad { " + Provider + " }", "Mode = FaultMode.Missing | FaultMode.WriteProtect, WriteTracking = WriteTracking.Asynchronous, ProtectOnFill = true, Pages = 4"), nameof(RegionDeclarationError.ProtectOnFillWithAsynchronousTracking) },
        { "WriteHandlerWithAsynchronousTracking", Region("public partial class Bad { [WriteHandler] private void OnWrite(long pageIndex) { } }", "Mode = FaultMode.WriteProtect, WriteTracking = WriteTracking.Asynchronous, Pages = 4"), nameof(RegionDeclarationError.UnusedWriteHandler) },
        { "UserAsReadOnlySpan", Region("public partial class Bad { " + Provider + " public ReadOnlySpan<byte> AsReadOnlySpan() => default; }"), nameof(RegionDeclarationError.MemberNameConflict) },
        { "UserLeaseSpanWithSynchronousWriteProtect", Region("public partial class Bad { public void LeaseSpan() { } }", "Mode = FaultMode.WriteProtect, Pages = 4"), nameof(RegionDeclarationError.MemberNameConflict) },
        { "UserCollectWrittenPagesWithAsynchronousTracking", Region("public partial class Bad { public void CollectWrittenPages() { } }", "Mode = FaultMode.WriteProtect, WriteTracking = WriteTracking.Asynchronous, Pages = 4"), nameof(RegionDeclarationError.MemberNameConflict) },
        { "UnknownUserModeOnly", Region("public partial class Bad { " + Provider + " }", "Pages = 4, UserModeOnly = (UserModeOnlyPolicy)3"), nameof(RegionDeclarationError.InvalidUserModeOnly) },
        { "UserIsUserModeOnly", Region("public partial class Bad { " + Provider + " public bool IsUserModeOnly => false; }"), nameof(RegionDeclarationError.MemberNameConflict) },
        { "UnknownMemory", Region("public partial class Bad { " + Provider + " }", "Pages = 4, Memory = (RegionMemory)9"), nameof(RegionDeclarationError.InvalidMemory) },
        { "SyntaxErrorInClass", Region("public partial class Bad { " + Provider + " void Broken( { }"), nameof(RegionDeclarationError.SyntaxErrors) },
        { "SyntaxErrorElsewhereInFile", Region("public partial class Bad { " + Provider + " }") + "\nclass Broken { int x = ; }", nameof(RegionDeclarationError.SyntaxErrors) },
        { "BadAttributeArgument", Region("public partial class Bad { " + Provider + " }", "Pages = NoSuchConstant"), nameof(RegionDeclarationError.InvalidAttributeArgument) },
        { "DuplicateAttribute", Region("public partial class Bad { " + Provider + " }") + "\nnamespace Demo { [FaultRegion(Pages = 8)] public partial class Bad { } }", nameof(RegionDeclarationError.DuplicateAttribute) },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void InvalidDeclarationGetsNoCodeAndTheRulesSayWhy(string name, string source, string expected)
    {
        GeneratorRun run = GeneratorHarness.Run(source, Control);

        AssertGeneratorSilent(run);
        Assert.Equal(new[] { "Control.Valid.FaultRegion.g.cs" }, run.Sources.Select(s => s.HintName));

        INamedTypeSymbol type = run.Output.GetSymbolsWithName(n => n is "Bad" or "Length", SymbolFilter.Type).OfType<INamedTypeSymbol>()
            .First(t => t.ContainingNamespace.ToDisplayString() == "Demo");
        Assert.True(expected == Validate(type, run.Output)?.ToString(), $"{name}: expected {expected}, the rules said {Validate(type, run.Output)}");
    }

    [Fact]
    public void NoRuntimeReferenceGivesNoCode()
    {
        // [FaultRegion] does not bind at all: the attribute lookup finds nothing.
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.Compile(new[] { Control }, referenceRuntime: false));

        AssertGeneratorSilent(run);
        Assert.Empty(run.Sources);
    }

    [Fact]
    public void LookalikeAttributesWithoutTheRuntimeGiveNoCode()
    {
        // The attributes bind (declared by the user), but the engine the generated code calls does not exist.
        const string Lookalikes = """
            namespace Uffd
            {
                [System.AttributeUsage(System.AttributeTargets.Class)] public sealed class FaultRegionAttribute : System.Attribute { public long Pages { get; set; } }
                [System.AttributeUsage(System.AttributeTargets.Method)] public sealed class PageProviderAttribute : System.Attribute { }
            }
            """;
        Compilation compilation = GeneratorHarness.Compile(new[] { Control, Lookalikes }, referenceRuntime: false);
        GeneratorRun run = GeneratorHarness.Run(compilation);

        AssertGeneratorSilent(run);
        Assert.Empty(run.Sources);
        INamedTypeSymbol type = compilation.GetTypeByMetadataName("Control.Valid")!;
        Assert.Equal(RegionDeclarationError.RuntimeNotReferenced, Validate(type, compilation));
    }

    [Fact]
    public void TwoClassesWhoseNamesDifferOnlyInCaseGetTwoFiles()
    {
        // Generated file names are unique ignoring case; both classes are valid C#.
        GeneratorRun run = GeneratorHarness.Run(Control, Control.Replace("class Valid", "class valid", StringComparison.Ordinal));

        AssertGeneratorSilent(run);
        Assert.Equal(new[] { "Control.Valid.FaultRegion.g.cs", "Control.valid.2.FaultRegion.g.cs" }, run.Sources.Select(s => s.HintName));
        GeneratorHarness.AssertCompilesCleanly(run.Output);
    }

    private static RegionDeclarationError? Validate(INamedTypeSymbol type, Compilation compilation) =>
        RegionDeclarationRules.Validate(type, compilation, CancellationToken.None, out _);

    private static void AssertGeneratorSilent(GeneratorRun run)
    {
        Assert.Null(run.Result.Exception);
        Assert.Empty(run.Result.Diagnostics);
        // CS8784/CS8785: a generator failed to initialize or to run; AD0001: an analyzer threw.
        Assert.DoesNotContain(run.Diagnostics, d => d.Id is "CS8784" or "CS8785" or "AD0001");
    }

    private static string Region(string declaration, string arguments = "Pages = 4") =>
        Wrap($"[FaultRegion({arguments})]\n{declaration}");

    private static string Wrap(string body) => $$"""
        using System;
        using Uffd;

        namespace Demo
        {
        {{body}}
        }
        """;
}
