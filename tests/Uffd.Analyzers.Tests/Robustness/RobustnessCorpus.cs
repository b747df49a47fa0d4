using System.Text;
using Microsoft.CodeAnalysis;

namespace Uffd.Analyzers.Tests.Robustness;

/// <summary>One named input: its files, whether Uffd.Runtime is referenced, and the output kind.</summary>
internal sealed record CorpusCase(string Name, string[] Sources, bool ReferencesRuntime = true, OutputKind Kind = OutputKind.DynamicallyLinkedLibrary);

/// <summary>
/// Broken and unusual code the analyzers and the generator must survive: half-typed files, unresolved attributes,
/// odd type shapes, erroneous arguments, huge files. Nothing here is asserted to be diagnosed, only to be survived.
/// </summary>
internal static class RobustnessCorpus
{
    private const string Provider = "[PageProvider] private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);";

    public static IReadOnlyList<CorpusCase> All { get; } = new[]
    {
        new CorpusCase("syntax-error-inside-region", new[]
        {
            """
            using System;
            using Uffd;

            [FaultRegion(Pages = 4)]
            public partial class Letters
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page
                {
                    page.Fill(
                }

                [WriteHandler] private void
            """,
        }),
        new CorpusCase("syntax-error-around-region", new[]
        {
            """
            using System;
            using Uffd
            namespace ;

            )))) class {

            [FaultRegion(Pages = , Mode = FaultMode.)]
            [FaultRegion(
            public partial class Letters
            {
                [PageProvider] private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);
            }
            }}} #if
            """,
        }),
        new CorpusCase("runtime-not-referenced", new[]
        {
            $$"""
            using System;
            using Uffd;

            [FaultRegion(Pages = 4, Mode = FaultMode.Missing | FaultMode.WriteProtect)]
            public partial class Letters
            {
                {{Provider}}
                [WriteHandler] private void OnWrite(long pageIndex) { }
                public void Use() { Open(); var span = AsSpan(); Dispose(); }
            }

            public class Raw
            {
                public void Run() { using var uffd = Userfaultfd.Create(); uffd.Wake(0, 4096); }
            }
            """,
        }, ReferencesRuntime: false),
        new CorpusCase("partial-class-over-several-files", new[]
        {
            """
            using Uffd;

            [FaultRegion(Pages = 8, Mode = FaultMode.Missing | FaultMode.WriteProtect, ProtectOnFill = true)]
            public partial class Journal { }
            """,
            """
            using System;
            using Uffd;

            public partial class Journal
            {
                [PageProvider] private PageFill Fill(in PageFaultContext context, Span<byte> page) => PageFill.Zero;
            }
            """,
            """
            public partial class Journal
            {
                [Uffd.WriteHandler] private void OnWrite(long pageIndex) { }
            }
            """,
            """
            public static class UseJournal
            {
                public static void Run() { using var journal = new Journal(); journal.Open(); journal.AsSpan()[0] = 1; }
            }
            """,
        }),
        new CorpusCase("nested-types-several-levels", new[]
        {
            $$"""
            using System;
            using Uffd;

            namespace Deep.Er;

            public partial class A
            {
                public class B
                {
                    public partial struct C
                    {
                        [FaultRegion(Pages = 1)] public partial class D { {{Provider}} }
                    }
                }

                public partial class E<T>
                {
                    [FaultRegion(Pages = 1)] public partial class F { {{Provider}} }
                }

                public partial interface I
                {
                    [FaultRegion(Pages = 1)] public partial class G { {{Provider}} }
                }

                public partial record R
                {
                    [FaultRegion(Pages = 1)] public partial class H { {{Provider}} }
                }

                public partial class J
                {
                    public partial class K
                    {
                        [FaultRegion(Pages = 1)] public partial class L { {{Provider}} [FaultRegion] public partial class M { } }
                    }
                }
            }
            """,
        }),
        new CorpusCase("records-and-other-type-kinds", new[]
        {
            $$"""
            using System;
            using Uffd;

            [FaultRegion(Pages = 2)] public partial record Rec { {{Provider}} }
            [FaultRegion(Pages = 2)] public partial record class RecClass(int X) { {{Provider}} }
            [FaultRegion(Pages = 2)] public partial record struct RecStruct { {{Provider}} }
            [FaultRegion(Pages = 2)] public partial struct Str { {{Provider}} }
            [FaultRegion(Pages = 2)] public partial interface IFace { }
            [FaultRegion(Pages = 2)] public enum Kind { A }
            [FaultRegion(Pages = 2)] public delegate void Callback();
            [FaultRegion(Pages = 2)] public static partial class Stat { [PageProvider] private static void Fill(long pageIndex, Span<byte> page) { } }
            [FaultRegion(Pages = 2)] public abstract partial class Abs { {{Provider}} }
            [FaultRegion(Pages = 2)] file partial class Local { {{Provider}} }
            [FaultRegion(Pages = 2)] public partial class Gen<T> where T : struct { {{Provider}} }
            public class Plain { [PageProvider] void Fill(long pageIndex, Span<byte> page) { } void M() { [PageProvider] void Local(long i, Span<byte> p) { } } }
            """,
        }),
        new CorpusCase("file-scoped-namespace", new[]
        {
            $$"""
            namespace Company.Product.Regions;

            using System;
            using Uffd;

            [FaultRegion(Pages = 16, ReadAhead = 3, OnProviderError = ProviderErrorPolicy.Poison)]
            internal sealed partial class Tiles
            {
                {{Provider}}
            }
            """,
        }),
        new CorpusCase("top-level-statements", new[]
        {
            $$"""
            using System;
            using Uffd;

            using var letters = new Letters();
            letters.Open();
            Console.WriteLine(letters.AsSpan()[0]);
            var broken = new Letters().Open(;

            [FaultRegion(Pages = 4)]
            partial class Letters
            {
                {{Provider}}
            }
            """,
        }, Kind: OutputKind.ConsoleApplication),
        new CorpusCase("global-namespace", new[]
        {
            $$"""
            [Uffd.FaultRegion(Pages = 4)]
            partial class Letters
            {
                [Uffd.PageProvider] private void Fill(long pageIndex, System.Span<byte> page) => page.Fill(1);
            }

            [global::Uffd.FaultRegion(Mode = global::Uffd.FaultMode.Minor)]
            partial class Minor { }
            """,
        }),
        new CorpusCase("provider-with-undefined-types", new[]
        {
            """
            using System;
            using Uffd;

            [FaultRegion(Pages = 4, Mode = FaultMode.Missing | FaultMode.WriteProtect)]
            public partial class Letters : MissingBase, IMissing
            {
                [PageProvider] private Unknown Fill(Undefined pageIndex, Span<Nope> page) => default;
                [WriteHandler] private void OnWrite(PageFaultContxt context) { }
                [PageProviderr] private void Other(long pageIndex, Span<byte> page) { }
                public UnknownType Open() => null;
            }
            """,
        }),
        new CorpusCase("erroneous-attribute-arguments", new[]
        {
            $$"""
            using System;
            using Uffd;

            static class K { public static long Pages() => 4; public static readonly FaultMode Mode = FaultMode.Missing; }

            [FaultRegion(Pages = K.Pages())] public partial class A { {{Provider}} }
            [FaultRegion(Mode = K.Mode)] public partial class B { {{Provider}} }
            [FaultRegion(4)] public partial class C { {{Provider}} }
            [FaultRegion(Nope = 1)] public partial class D { {{Provider}} }
            [FaultRegion(Pages = "many")] public partial class E { {{Provider}} }
            [FaultRegion(Pages = long.MaxValue, HandlerThreads = int.MinValue, ReadAhead = int.MaxValue)] public partial class F { {{Provider}} }
            [FaultRegion(Mode = (FaultMode)(-1), Memory = (RegionMemory)int.MaxValue)] public partial class G { {{Provider}} }
            [FaultRegion(Pages = 1), FaultRegion(Pages = 2)] public partial class H { {{Provider}} }
            [FaultRegion(Mode = Undefined.Value, Pages = 1 / 0)] public partial class I { {{Provider}} }
            [FaultRegion(ProtectOnFill = 1, OnProviderError = null)] public partial class J { {{Provider}} }
            [FaultRegion(Pages = typeof(int))] public partial class L { {{Provider}} }
            [FaultRegion(Pages = 4)] [FaultRegion] public partial class M { {{Provider}} }
            [FaultRegion(Pages = 4)] public partial class N { {{Provider}} }
            [FaultRegion(Pages = 4, Mode = FaultMode.WriteProtect)] public partial class N { }
            """,
        }),
        new CorpusCase("member-conflicts-and-odd-members", new[]
        {
            $$"""
            using System;
            using System.IO;
            using Uffd;

            [FaultRegion(Pages = 4)] public partial class S : MemoryStream { {{Provider}} }
            [FaultRegion(Pages = 4)] public partial class Open { {{Provider}} }
            [FaultRegion(Pages = 4)] public partial class Ops
            {
                {{Provider}}
                public static Ops operator +(Ops a, Ops b) => a;
                public int this[int i] => i;
                public event Action Dispose;
                public class Read { }
                private int _uffdRegion;
                ~Ops() { }
            }
            [FaultRegion(Pages = 4)] public partial class Many
            {
                [PageProvider] [WriteHandler] private void Both(long pageIndex, Span<byte> page) { }
                [PageProvider] private async System.Threading.Tasks.Task Fill(long pageIndex) { await System.Threading.Tasks.Task.Yield(); }
                [PageProvider] private ref int ByRef(long pageIndex, Span<byte> page) => throw null!;
                [PageProvider] extern static void Ext(long pageIndex, Span<byte> page);
                partial void Part(long pageIndex, Span<byte> page);
                [PageProvider] partial void Part(long pageIndex, Span<byte> page) { }
            }
            """,
        }),
        new CorpusCase("runtime-apis-misused", new[]
        {
            """
            using System;
            using Uffd;

            public static class Raw
            {
                public static void Run(nint address)
                {
                    using Userfaultfd uffd = Userfaultfd.Create();
                    uffd.Register(address, 4096 * 3 + 1, default);
                    uffd.Copy(address, ReadOnlySpan<byte>.Empty, (CopyMode)123);
                    uffd.ZeroPage(address, 4095);
                    uffd.Wake(address & ~4096, );
                    _ = uffd.WriteProtect(address, 4096);
                    uffd.Continue(address, Undefined);
                    var letters = new Letters();
                    letters.Open();
                }
            }

            [FaultRegion]
            public partial class Letters
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page)
                {
                    page.Fill((byte)AsSpan()[0]);
                    System.Threading.Thread.Sleep(10);
                    Read(0, page);
                }
            }
            """,
        }),
        new CorpusCase("raw-addresses-and-leases-half-typed", new[]
        {
            $$"""
            using System;
            using System.Runtime.CompilerServices;
            using System.Runtime.InteropServices;
            using Uffd;

            [FaultRegion(Pages = 4, Mode = FaultMode.Missing | FaultMode.WriteProtect)]
            public partial class Journal
            {
                {{Provider}}
                [WriteHandler] private void OnWrite(long pageIndex) { using var l = LeaseSpan(pageIndex, ); }
            }

            public static unsafe class Raw
            {
                public static void Run(Journal journal, Undefined other)
                {
                    byte a = *(byte*)(journal.BaseAddress + );
                    var s = new Span<byte>((void*)journal.BaseAddress, );
                    var t = new Span<>((void*)journal.BaseAddress, 4);
                    var u = new((void*)journal.BaseAddress);
                    int b = *(Undefined*)journal.BaseAddress;
                    int c = ((Missing*)journal.BaseAddress)->Field;
                    Marshal.Copy(journal.BaseAddress, );
                    Unsafe.Read<>((void*)journal.BaseAddress);
                    MemoryMarshal.CreateSpan(ref Unsafe.AsRef<byte>(), 4);
                    MemoryMarshal.CreateSpan(ref *(byte*)journal.BaseAddress, 4);
                    other.BaseAddress[3] = *other.Address;
                    journal.LeaseSpan(0, 8).Span[0] = ;
                    var lease = journal.LeaseSpan(
                    using (journal.LeaseSpan(0, 1), journal.LeaseSpan(1, 1)) { }
                    SpanLease x = default, y = journal.LeaseSpan();
                    lease.Dispose(1);
                    undefined.Dispose();
                }
            }
            """,
        }),
        new CorpusCase("raw-address-cycles-chains-and-odd-places", new[]
        {
            $$"""
            using System;
            using Uffd;

            [FaultRegion(Pages = 4)]
            public partial class Letters
            {
                {{Provider}}
                private readonly unsafe byte _first = *(byte*)new Letters().BaseAddress;
                public unsafe Letters() : this(*(byte*)new Letters().BaseAddress) { }
                public Letters(byte seed) { }
                public unsafe byte this[int i] => ((byte*)BaseAddress)[i];
            }

            public static unsafe class Raw
            {
                public static int Cycle(Letters letters)
                {
                    nint a = 0, b = a, c = b;
                    a = c;
                    b = a + b;
                    c = letters.BaseAddress;
                    nint self = self + 1;
                    nint d0 = letters.BaseAddress, d1 = d0, d2 = d1, d3 = d2, d4 = d3, d5 = d4, d6 = d5, d7 = d6, d8 = d7, d9 = d8, d10 = d9;
                    byte* p = (byte*)(a + b - c + d10);
                    p += 1;
                    p++;
                    ref byte r = ref p[0];
                    fixed (byte* q = &p[1]) { _ = *q; }
                    Func<int> later = () => *(int*)(a - b);
                    int Local() => *(byte*)c;
                    return *p + r + later() + Local() + sizeof(nint) + (int)&p[2];
                }

                public static byte Recursive(Letters letters, int n) => n == 0 ? *(byte*)letters.BaseAddress : Recursive(letters, n - 1);
            }
            """,
        }),
        new CorpusCase("empty-files", new[] { "", "   \n\n", "// nothing\n", "#nullable enable\n" }),
        new CorpusCase("very-large-generated-looking-file", new[] { LargeFile(autoGenerated: true) }),
        new CorpusCase("very-large-user-file", new[] { LargeFile(autoGenerated: false) }),
    };

    /// <summary>
    /// A file with many regions (some with invalid options) and thousands of members. With the auto-generated header
    /// the analyzers skip it (generated code is not analyzed) but the generator still sees its regions; without it the
    /// analyzers visit every type.
    /// </summary>
    private static string LargeFile(bool autoGenerated)
    {
        var text = new StringBuilder();
        if (autoGenerated)
        {
            text.AppendLine("// <auto-generated/>");
            text.AppendLine("#pragma warning disable");
        }

        text.AppendLine("using System;");
        text.AppendLine("using Uffd;");
        text.AppendLine("namespace Generated.Bulk;");
        for (int i = 0; i < 80; i++)
        {
            text.AppendLine($"[FaultRegion(Pages = {i % 7}, HandlerThreads = {(i % 3) - 1}, ReadAhead = {i % 5})]");
            text.AppendLine($"public partial class Region{i}");
            text.AppendLine("{");
            text.AppendLine($"    [PageProvider] private void Fill(long pageIndex, Span<byte> page) => page.Fill({i % 256});");
            for (int m = 0; m < 20; m++)
            {
                text.AppendLine($"    public int Member{m}(int x) => x * {m} + {i};");
            }

            text.AppendLine("}");
        }

        for (int i = 0; i < 2000; i++)
        {
            text.AppendLine($"public static class Filler{i} {{ public const string Text = \"{new string('x', 40)}\"; public static int Value(int a) => a + {i}; }}");
        }

        return text.ToString();
    }
}
