using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Uffd.Generators;

namespace Uffd.Benchmarks.Generator;

/// <summary>
/// A user compilation shaped like a real project that uses the generator heavily: <see cref="Regions"/>
/// <c>[FaultRegion]</c> classes of every supported shape, <see cref="RegionsPerFile"/> per file, over several
/// namespaces, among plain classes that have nothing to do with regions.
/// </summary>
/// <remarks>
/// One source file, linked into the generator tests: the benchmark measures the very workload the tests prove
/// incremental. It is therefore written against the oldest Roslyn both sides use (4.8).
/// </remarks>
public sealed class RegionCorpus
{
    public const int RegionsPerFile = 5;

    /// <summary>The file whose method body the "unrelated edit" changes; it declares no region.</summary>
    public const string UnrelatedFilePath = "Corpus/Services/Services000.cs";

    /// <summary>The file the "unrelated file added" edit adds.</summary>
    public const string AddedFilePath = "Corpus/Services/Added.cs";

    /// <summary>Pages <see cref="WithRegionResized"/> adds to the region's attribute.</summary>
    public const int ResizeBy = 1000;

    /// <summary>Region i has shape i % Shapes; 7 is coprime with <see cref="RegionsPerFile"/>, so files hold different mixes.</summary>
    public const int Shapes = 7;

    /// <summary>Fixed language version, so Roslyn 4.8 (tests) and the benchmark's newer Roslyn parse the same thing.</summary>
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.CSharp12);

    private const string GeneratedFileSuffix = ".FaultRegion.g.cs";

    private const int Namespaces = 8;

    // One file of plain services for this many region files: regions are the minority of a real project's types.
    private const int RegionFilesPerServiceFile = 5;

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences);

    public RegionCorpus(int regions)
    {
        if (regions < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(regions), regions, "The corpus needs at least one region.");
        }

        Regions = regions;
        var trees = new List<SyntaxTree>();
        for (int file = 0; file < RegionFileCount; file++)
        {
            trees.Add(Parse(RegionFileText(file, editedRegion: -1), RegionFilePathOfFile(file)));
        }

        for (int file = 0; file < ServiceFileCount; file++)
        {
            trees.Add(Parse(ServiceFileText(file, variant: 0), ServiceFilePath(file)));
        }

        Compilation = CSharpCompilation.Create(
            "RegionCorpus",
            trees,
            References.Value,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                optimizationLevel: OptimizationLevel.Release));
    }

    public int Regions { get; }

    /// <summary>The unedited compilation.</summary>
    public CSharpCompilation Compilation { get; }

    public int RegionFileCount => (Regions + RegionsPerFile - 1) / RegionsPerFile;

    private int ServiceFileCount => Math.Max(1, RegionFileCount / RegionFilesPerServiceFile);

    /// <summary>The generator with the options a build uses; <paramref name="trackSteps"/> only for the proofs (it costs time).</summary>
    public static GeneratorDriver CreateDriver(bool trackSteps) =>
        CSharpGeneratorDriver.Create(
            new[] { new FaultRegionGenerator().AsSourceGenerator() },
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackSteps));

    /// <summary>The file the generator should add for each region, in declaration order, derived from the corpus's own names.</summary>
    public IEnumerable<string> ExpectedHintNames() => Enumerable.Range(0, Regions).Select(HintName);

    /// <summary>The corpus with one method body of <see cref="UnrelatedFilePath"/> changed; distinct variants give distinct texts.</summary>
    public CSharpCompilation WithUnrelatedMethodBodyChanged(int variant)
    {
        if (variant < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(variant), variant, "Variant 0 is the unedited text.");
        }

        return Replace(UnrelatedFilePath, ServiceFileText(0, variant));
    }

    /// <summary>The corpus with one more file of plain classes.</summary>
    public CSharpCompilation WithUnrelatedFileAdded() =>
        Compilation.AddSyntaxTrees(Parse(
            """
            namespace Corpus.Services;

            /// <summary>Added by the edit: refers to nothing in the corpus, and nothing refers to it.</summary>
            public sealed class AuditTrail
            {
                private readonly System.Collections.Generic.List<string> _entries = new();

                public void Record(string entry) => _entries.Add(entry);

                public int Count => _entries.Count;
            }
            """,
            AddedFilePath));

    /// <summary>The corpus with the attribute of <paramref name="region"/> (only) given <see cref="ResizeBy"/> more pages.</summary>
    public CSharpCompilation WithRegionResized(int region)
    {
        if (region < 0 || region >= Regions)
        {
            throw new ArgumentOutOfRangeException(nameof(region), region, "No such region.");
        }

        return Replace(RegionFilePath(region), RegionFileText(region / RegionsPerFile, editedRegion: region));
    }

    public static string RegionName(int region) => "Region" + region.ToString("D4", CultureInfo.InvariantCulture);

    /// <summary>"Namespace[.Host].RegionNNNN": the generator's file name for the region, without the suffix.</summary>
    public static string TypeFileNameHint(int region) =>
        Namespace(region / RegionsPerFile) + (IsNested(region) ? "." + HostName(region / RegionsPerFile) : "") + "." + RegionName(region);

    /// <summary>The name of the file the generator should add for <paramref name="region"/>.</summary>
    public static string HintName(int region) => TypeFileNameHint(region) + GeneratedFileSuffix;

    /// <summary>The path of the file that declares <paramref name="region"/>.</summary>
    public static string RegionFilePath(int region) => RegionFilePathOfFile(region / RegionsPerFile);

    private static string RegionFilePathOfFile(int file) =>
        "Corpus/Regions/Regions" + file.ToString("D3", CultureInfo.InvariantCulture) + ".cs";

    private static string ServiceFilePath(int file) =>
        "Corpus/Services/Services" + file.ToString("D3", CultureInfo.InvariantCulture) + ".cs";

    private static string Namespace(int file) => "Corpus.Area" + (file % Namespaces).ToString(CultureInfo.InvariantCulture);

    private static string HostName(int file) => "Host" + file.ToString(CultureInfo.InvariantCulture);

    /// <summary>One region in 25 is nested in a partial host class, as helpers grouped under a feature class often are; at most one per file.</summary>
    public static bool IsNested(int region) => region % 25 == 24;

    private CSharpCompilation Replace(string path, string text) =>
        Compilation.ReplaceSyntaxTree(Compilation.SyntaxTrees.Single(tree => tree.FilePath == path), Parse(text, path));

    private static SyntaxTree Parse(string text, string path) =>
        CSharpSyntaxTree.ParseText(text, ParseOptions, path, Encoding.UTF8);

    private string RegionFileText(int file, int editedRegion)
    {
        string ns = Namespace(file);

        // Half the files use a file-scoped namespace, half a block: both are common and the generator reads both.
        bool fileScoped = file % 2 == 0;
        var text = new StringBuilder();
        text.Append("using System;\nusing System.Threading;\nusing Uffd;\n\n");
        text.Append(fileScoped ? $"namespace {ns};\n\n" : $"namespace {ns}\n{{\n");
        for (int region = file * RegionsPerFile; region < Math.Min(Regions, (file + 1) * RegionsPerFile); region++)
        {
            string declaration = RegionDeclaration(region, region == editedRegion);
            if (IsNested(region))
            {
                declaration = $"public static partial class {HostName(file)}\n{{\n{Indent(declaration)}}}\n";
            }

            text.Append(fileScoped ? declaration : Indent(declaration)).Append('\n');
        }

        if (!fileScoped)
        {
            text.Append("}\n");
        }

        return text.ToString();
    }

    private static string RegionDeclaration(int region, bool edited)
    {
        string name = RegionName(region);
        string index = region.ToString(CultureInfo.InvariantCulture);

        // The edit changes what the generator emits (the page count of Open()) and nothing else.
        string Pages(int pages) => (edited ? pages + ResizeBy : pages).ToString(CultureInfo.InvariantCulture);

        return (region % Shapes) switch
        {
            0 => $$"""
                /// <summary>Fixed-size lookup table, filled page by page.</summary>
                [FaultRegion(Mode = FaultMode.Missing, Pages = {{Pages(64)}})]
                public partial class {{name}}
                {
                    private long _served;

                    public long Served => Volatile.Read(ref _served);

                    [PageProvider]
                    private void Fill(long pageIndex, Span<byte> page)
                    {
                        page.Fill((byte)(pageIndex + {{index}}));
                        Interlocked.Increment(ref _served);
                    }
                }

                """,
            1 => $$"""
                /// <summary>Sized at Open; even pages are zero pages, filled ahead of the fault.</summary>
                [FaultRegion(Pages = {{Pages(0)}}, ReadAhead = 4)]
                public partial class {{name}}
                {
                    [PageProvider]
                    private PageFill Produce(long pageIndex, Span<byte> page)
                    {
                        if (pageIndex % 2 == 0)
                        {
                            return PageFill.Zero;
                        }

                        page.Fill(0xAB);
                        return PageFill.Filled;
                    }
                }

                """,
            2 => $$"""
                /// <summary>Served by two handler threads; the context says where the fault landed.</summary>
                [FaultRegion(Pages = {{Pages(256)}}, HandlerThreads = 2)]
                public partial class {{name}}
                {
                    private readonly byte _seed;

                    public {{name}}(byte seed) => _seed = seed;

                    [PageProvider]
                    private void Load(PageFaultContext context, Span<byte> page)
                    {
                        page.Fill(_seed);
                        BitConverter.TryWriteBytes(page, context.Offset);
                    }
                }

                """,
            3 => $$"""
                /// <summary>Copy-on-write cache: filled pages are installed protected, so the first write is seen.</summary>
                [FaultRegion(Mode = FaultMode.Missing | FaultMode.WriteProtect, Pages = {{Pages(128)}}, ProtectOnFill = true)]
                public partial class {{name}}
                {
                    private int _dirty;

                    public int Dirty => Volatile.Read(ref _dirty);

                    [PageProvider]
                    private PageFill Fill(in PageFaultContext context, Span<byte> page)
                    {
                        if (context.IsReadAhead)
                        {
                            return PageFill.Zero;
                        }

                        page.Fill(1);
                        return PageFill.Filled;
                    }

                    [WriteHandler]
                    private void OnWrite(long pageIndex) => Interlocked.Increment(ref _dirty);
                }

                """,
            4 => $$"""
                /// <summary>Dirty-page tracker for a snapshot.</summary>
                [FaultRegion(Mode = FaultMode.WriteProtect, Pages = {{Pages(32)}})]
                public partial class {{name}}
                {
                    private long _lastWriter;

                    public long LastWriter => Volatile.Read(ref _lastWriter);

                    [WriteHandler]
                    private void Track(PageFaultContext context) => Volatile.Write(ref _lastWriter, context.ThreadId);
                }

                """,
            5 => $$"""
                /// <summary>Shared memory whose cached pages are checked before they are mapped.</summary>
                [FaultRegion(Mode = FaultMode.Minor, Pages = {{Pages(16)}})]
                public partial class {{name}}
                {
                    [PageProvider]
                    private static void Verify(long pageIndex, Span<byte> page)
                    {
                        if (page.Length == 0)
                        {
                            throw new InvalidOperationException("empty page " + pageIndex);
                        }
                    }
                }

                """,
            _ => $$"""
                /// <summary>Best-effort reader: a failing provider yields zeros instead of ending the process.</summary>
                [FaultRegion(Pages = {{Pages(0)}}, ReadAhead = 2, HandlerThreads = 1, OnProviderError = ProviderErrorPolicy.ZeroFill)]
                public partial class {{name}}
                {
                    private readonly Func<long, byte> _source;

                    public {{name}}(Func<long, byte> source) => _source = source;

                    [PageProvider]
                    internal void Provide(in PageFaultContext context, Span<byte> page) => page.Fill(_source(context.PageIndex));
                }

                """,
        };
    }

    private static string ServiceFileText(int file, int variant)
    {
        string suffix = file.ToString("D3", CultureInfo.InvariantCulture);

        // Only the body of Compute depends on the variant: that is the "unrelated method body" edit.
        return $$"""
            using System;
            using System.Collections.Generic;

            namespace Corpus.Services;

            public sealed record Order{{suffix}}(int Id, string Customer, decimal Amount);

            public sealed class OrderService{{suffix}}
            {
                private readonly Dictionary<int, Order{{suffix}}> _orders = new();

                public void Add(Order{{suffix}} order) => _orders[order.Id] = order;

                public decimal Total()
                {
                    decimal total = 0;
                    foreach (Order{{suffix}} order in _orders.Values)
                    {
                        total += order.Amount;
                    }

                    return total;
                }

                public static int Compute(int x) => x * {{(variant + 3).ToString(CultureInfo.InvariantCulture)}} + {{file.ToString(CultureInfo.InvariantCulture)}};
            }

            """;
    }

    private static string Indent(string block) =>
        string.Concat(block.Split('\n').Select(line => line.Length == 0 ? "\n" : "    " + line + "\n")).TrimEnd('\n') + "\n";

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        // The shared framework this process runs on, and the runtime the generated code calls; not the tools loaded
        // next to them (test host, BenchmarkDotNet, Roslyn itself).
        string frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        return ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(path => Path.GetDirectoryName(path) == frameworkDirectory && path.EndsWith(".dll", StringComparison.Ordinal))
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .Append(MetadataReference.CreateFromFile(typeof(FaultRegionAttribute).Assembly.Location))
            .ToImmutableArray();
    }
}
