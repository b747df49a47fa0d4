using Uffd.Generators.Tests.Infrastructure;

namespace Uffd.Generators.Tests.Generation;

/// <summary>
/// The generated source of every mode, option, provider signature and declaration shape, compared with its approved
/// snapshot (Snapshots/GeneratedSourceTests.*.approved.cs), and compiled with the user's code against Uffd.Runtime
/// with no error and no warning.
/// </summary>
public sealed class GeneratedSourceTests
{
    private const string Letters = """
        using System;
        using Uffd;

        namespace Demo
        {
            [FaultRegion(Mode = FaultMode.Missing, Pages = 64)]
            public partial class Letters
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill((byte)('a' + pageIndex % 26));
            }
        }
        """;

    [Fact]
    public void MissingWithFixedPages() => Verify(Letters, "Demo.Letters");

    [Fact]
    public void PagesGivenToOpen() => Verify("""
        using System;
        using Uffd;

        namespace Demo
        {
            [FaultRegion]
            public partial class Sized
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);
            }
        }
        """, "Demo.Sized");

    [Fact]
    public void WriteProtectWithWriteHandler() => Verify("""
        using System;
        using Uffd;

        namespace Demo
        {
            [FaultRegion(Mode = FaultMode.WriteProtect, Pages = 16)]
            public partial class DirtyTracker
            {
                public int Writes;

                [WriteHandler]
                private void OnWrite(long pageIndex) => Writes++;
            }
        }
        """, "Demo.DirtyTracker");

    [Fact]
    public void WriteProtectWithoutWriteHandler() => Verify("""
        using Uffd;

        namespace Demo
        {
            [FaultRegion(Mode = FaultMode.WriteProtect, Pages = 16)]
            public partial class Unwatched
            {
            }
        }
        """, "Demo.Unwatched");

    [Fact]
    public void AsynchronousWriteTracking() => Verify("""
        using Uffd;

        namespace Demo
        {
            [FaultRegion(Mode = FaultMode.WriteProtect, WriteTracking = WriteTracking.Asynchronous, Pages = 16)]
            public partial class Journal
            {
            }
        }
        """, "Demo.Journal");

    [Fact]
    public void MissingWithAsynchronousWriteTracking() => Verify("""
        using System;
        using Uffd;

        namespace Demo
        {
            [FaultRegion(Mode = FaultMode.Missing | FaultMode.WriteProtect, WriteTracking = WriteTracking.Asynchronous)]
            public partial class Restored
            {
                [PageProvider(WritesWholePage = true)]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill(7);
            }
        }
        """, "Demo.Restored");

    [Fact]
    public void MissingAndWriteProtectWithProtectOnFill() => Verify("""
        using System;
        using Uffd;

        namespace Demo
        {
            [FaultRegion(Mode = FaultMode.Missing | FaultMode.WriteProtect, Pages = 32, ProtectOnFill = true)]
            public partial class Snapshotted
            {
                [PageProvider]
                private PageFill Fill(PageFaultContext context, Span<byte> page) => PageFill.Zero;

                [WriteHandler]
                private void OnWrite(PageFaultContext context) { }
            }
        }
        """, "Demo.Snapshotted");

    [Fact]
    public void MinorOnSharedMemory() => Verify("""
        using System;
        using Uffd;

        namespace Demo
        {
            [FaultRegion(Mode = FaultMode.Minor, Pages = 8)]
            public partial class Cache
            {
                [PageProvider]
                private PageFill Check(in PageFaultContext context, Span<byte> page) => PageFill.Filled;
            }
        }
        """, "Demo.Cache");

    [Fact]
    public void HugePages() => Verify("""
        using System;
        using Uffd;

        namespace Demo
        {
            [FaultRegion(Pages = 2, Memory = RegionMemory.HugePages)]
            public partial class Huge
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill(7);
            }
        }
        """, "Demo.Huge");

    [Fact]
    public void ReadAheadAndHandlerThreads() => Verify("""
        using System;
        using Uffd;

        namespace Demo
        {
            [FaultRegion(Pages = 1024, ReadAhead = 15, HandlerThreads = 2)]
            public partial class Streamed
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill(7);
            }
        }
        """, "Demo.Streamed");

    [Fact]
    public void RemoteRegion() => Verify("""
        using System;
        using Uffd;

        namespace Demo
        {
            [FaultRegion(Remote = true, ReadAhead = 15)]
            public sealed partial class GuestMemory
            {
                [PageProvider(WritesWholePage = true)]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill(7);
            }
        }
        """, "Demo.GuestMemory");

    [Fact]
    public void ProviderWritesWholePage() => Verify("""
        using System;
        using Uffd;

        namespace Demo
        {
            [FaultRegion(ReadAhead = 64)]
            public partial class Scanned
            {
                [PageProvider(WritesWholePage = true)]
                private static void Fill(long pageIndex, Span<byte> page) => page.Fill(0x5a);
            }
        }
        """, "Demo.Scanned");

    [Theory]
    [InlineData("FailFast")]
    [InlineData("ZeroFill")]
    [InlineData("Poison")]
    public void ProviderErrorPolicy(string policy) => Verify($$"""
        using System;
        using Uffd;

        namespace Demo
        {
            [FaultRegion(Pages = 4, OnProviderError = ProviderErrorPolicy.{{policy}})]
            public partial class Fragile
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => throw new InvalidOperationException();
            }
        }
        """, "Demo.Fragile", $"{nameof(ProviderErrorPolicy)}_{policy}");

    [Theory]
    [InlineData("Allow")]
    [InlineData("Require")]
    [InlineData("Forbid")] // the default, written out: the same settings as without the argument
    public void UserModeOnly(string policy) => Verify($$"""
        using System;
        using Uffd;

        namespace Demo
        {
            [FaultRegion(Pages = 4, UserModeOnly = UserModeOnlyPolicy.{{policy}})]
            public partial class Unprivileged
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);
            }
        }
        """, "Demo.Unprivileged", $"{nameof(UserModeOnly)}_{policy}");

    [Theory]
    [InlineData("void", "long pageIndex", "")]
    [InlineData("PageFill", "long pageIndex", "return PageFill.Filled;")]
    [InlineData("void", "PageFaultContext context", "")]
    [InlineData("PageFill", "PageFaultContext context", "return PageFill.Filled;")]
    [InlineData("void", "in PageFaultContext context", "")]
    [InlineData("PageFill", "in PageFaultContext context", "return PageFill.Poison;")]
    public void ProviderSignature(string returnType, string input, string body)
    {
        string name = $"{nameof(ProviderSignature)}_{returnType}_{input.Replace(' ', '_')}";
        Verify($$"""
            using System;
            using Uffd;

            namespace Demo
            {
                [FaultRegion(Pages = 4)]
                public partial class Signatures
                {
                    [PageProvider]
                    internal {{returnType}} Provide({{input}}, Span<byte> page) { {{body}} }
                }
            }
            """, "Demo.Signatures", name);
    }

    [Theory]
    [InlineData("ValueTask", "long pageIndex", "await Task.Yield();")]
    [InlineData("ValueTask<PageFill>", "long pageIndex", "await Task.Yield(); return PageFill.Filled;")]
    [InlineData("ValueTask", "PageFaultContext context", "await Task.Yield();")]
    [InlineData("ValueTask<PageFill>", "PageFaultContext context", "await Task.Yield(); return PageFill.Zero;")]
    public void AsynchronousProviderSignature(string returnType, string input, string body)
    {
        string name = $"{nameof(AsynchronousProviderSignature)}_{returnType.Replace('<', '_').Replace(">", "")}_{input.Replace(' ', '_')}";
        Verify($$"""
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            using Uffd;

            namespace Demo
            {
                [FaultRegion(Pages = 4)]
                public partial class Fetched
                {
                    [PageProvider]
                    internal async {{returnType}} FillAsync({{input}}, Memory<byte> page, CancellationToken cancellationToken) { {{body}} }
                }
            }
            """, "Demo.Fetched", name);
    }

    [Fact]
    public void AsynchronousProviderWithRunsAndABound() => Verify("""
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using Uffd;

        namespace Demo
        {
            [FaultRegion(Pages = 1024, ReadAhead = 255, ReadAheadMode = ReadAheadMode.Sequential, MaxFaultsInFlight = 16)]
            public partial class Snapshot
            {
                [PageProvider(MaxPagesPerCall = 64, WritesWholePage = true)]
                private static ValueTask FetchAsync(long pageIndex, Memory<byte> pages, CancellationToken cancellationToken)
                {
                    pages.Span.Fill(7);
                    return default;
                }
            }
        }
        """, "Demo.Snapshot");

    [Fact]
    public void StaticProvider() => Verify("""
        using System;
        using Uffd;

        namespace Demo
        {
            [FaultRegion(Pages = 4)]
            internal sealed partial class Constant
            {
                [PageProvider]
                public static void Fill(long pageIndex, Span<byte> page) => page.Fill(0x5a);
            }
        }
        """, "Demo.Constant");

    [Fact]
    public void FileScopedNamespace() => Verify("""
        using System;
        using Uffd;

        namespace Demo.Deep.FileScoped;

        [FaultRegion(Pages = 4)]
        public partial class Letters
        {
            [PageProvider]
            private void Fill(long pageIndex, Span<byte> page) => page.Fill((byte)'a');
        }
        """, "Demo.Deep.FileScoped.Letters");

    [Fact]
    public void GlobalNamespace() => Verify("""
        using System;
        using Uffd;

        [FaultRegion(Pages = 4)]
        public partial class Letters
        {
            [PageProvider]
            private void Fill(long pageIndex, Span<byte> page) => page.Fill((byte)'a');
        }
        """, "Letters");

    [Fact]
    public void NestedPartialTypes() => Verify("""
        using System;
        using Uffd;

        namespace Demo
        {
            public static partial class Outer
            {
                internal partial struct Middle
                {
                    [FaultRegion(Pages = 4)]
                    private sealed partial class Region
                    {
                        [PageProvider]
                        private void Fill(long pageIndex, Span<byte> page) => page.Fill((byte)'a');
                    }
                }
            }
        }
        """, "Demo.Outer.Middle.Region");

    [Fact]
    public void KeywordNames() => Verify("""
        using System;
        using Uffd;

        namespace Demo
        {
            [FaultRegion(Pages = 4)]
            public partial class @record
            {
                [PageProvider]
                private void @event(long pageIndex, Span<byte> page) => page.Fill((byte)'a');
            }
        }
        """, "Demo.record");

    private static void Verify(string source, string fullName, string? snapshotName = null, [System.Runtime.CompilerServices.CallerMemberName] string test = "")
    {
        GeneratorRun run = GeneratorHarness.Run(source);
        string generated = run.SingleSource(fullName + ".FaultRegion.g.cs");
        GeneratorHarness.AssertCompilesCleanly(run.Output);
        Snapshot.Match(generated, snapshotName ?? test);
    }
}
