using Uffd.Analyzers.Declarations;
using Uffd.Analyzers.Tests.Infrastructure;

namespace Uffd.Analyzers.Tests.Declarations;

public sealed class GeneratedMemberConflictTests
{
    [Fact]
    public Task A_users_Dispose_and_Length_are_reported_on_each_member() =>
        Verify<GeneratedMemberConflictAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion(Pages = 4)]
            public partial class Letters
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);

                public void {|#0:Dispose|}() { }

                public long {|#1:Length|} => 4096;
            }
            """,
            Verify<GeneratedMemberConflictAnalyzer>.Diagnostic("UFFD0006").WithLocation(0).WithArguments("Letters", "Dispose"),
            Verify<GeneratedMemberConflictAnalyzer>.Diagnostic("UFFD0006").WithLocation(1).WithArguments("Letters", "Length"));

    [Fact]
    public Task An_explicit_IDisposable_Dispose_is_reported_because_using_would_call_it_instead_of_the_generated_one() =>
        Verify<GeneratedMemberConflictAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion(Pages = 4)]
            public partial class Letters : IDisposable
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);

                void IDisposable.{|#0:Dispose|}() { }
            }
            """,
            Verify<GeneratedMemberConflictAnalyzer>.Diagnostic("UFFD0006").WithLocation(0).WithArguments("Letters", "IDisposable.Dispose"));

    [Fact]
    public Task A_users_AsStream_is_reported_in_every_mode() =>
        Verify<GeneratedMemberConflictAnalyzer>.Analyzer("""
            using System;
            using System.IO;
            using Uffd;

            [FaultRegion(Pages = 4, Mode = FaultMode.WriteProtect, WriteTracking = WriteTracking.Asynchronous)]
            public partial class Journal
            {
                public Stream {|#0:AsStream|}() => Stream.Null;
            }
            """,
            Verify<GeneratedMemberConflictAnalyzer>.Diagnostic("UFFD0006").WithLocation(0).WithArguments("Journal", "AsStream"));

    [Fact]
    public Task A_public_Open_inherited_from_a_base_class_is_reported_on_the_region() =>
        Verify<GeneratedMemberConflictAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            public class Resource
            {
                public void Open() { }
            }

            [FaultRegion(Pages = 4)]
            public partial class {|#0:Letters|} : Resource
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);
            }
            """,
            Verify<GeneratedMemberConflictAnalyzer>.Diagnostic("UFFD0006").WithLocation(0).WithArguments("Resource", "Open"));

    [Fact]
    public Task Protect_is_free_in_a_region_without_write_protection_and_private_base_members_do_not_count() =>
        Verify<GeneratedMemberConflictAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            public class Resource
            {
                private void Open() { }
            }

            [FaultRegion(Pages = 4)]
            public partial class Letters : Resource
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);

                public void Protect(long pageIndex) { }

                public void Use() { Open(); Dispose(); }
            }
            """);

    [Fact]
    public Task Protect_conflicts_in_a_write_protect_region() =>
        Verify<GeneratedMemberConflictAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion(Pages = 4, Mode = FaultMode.Missing | FaultMode.WriteProtect)]
            public partial class Journal
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);

                [WriteHandler]
                private void OnWrite(long pageIndex) { }

                public void {|UFFD0006:Protect|}(long pageIndex) { }
            }
            """);

    [Fact]
    public Task IsUserModeOnly_is_generated_in_every_region_so_a_users_own_conflicts() =>
        Verify<GeneratedMemberConflictAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion(Pages = 4, UserModeOnly = UserModeOnlyPolicy.Allow)]
            public partial class Letters
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);

                public bool {|#0:IsUserModeOnly|} => false;
            }
            """,
            Verify<GeneratedMemberConflictAnalyzer>.Diagnostic("UFFD0006").WithLocation(0).WithArguments("Letters", "IsUserModeOnly"));

    /// <summary>The accessors and tracking members that depend on the mode, each declared by the user.</summary>
    private static readonly string[] ModeMembers = { "AsSpan", "AsReadOnlySpan", "LeaseSpan", "Protect", "Unprotect", "CollectWrittenPages", "AliasSpan" };

    [Theory]
    [InlineData("Mode = FaultMode.Missing", "AsSpan AsReadOnlySpan")]
    [InlineData("Mode = FaultMode.Missing | FaultMode.WriteProtect", "AsReadOnlySpan LeaseSpan Protect Unprotect")]
    [InlineData("Mode = FaultMode.Missing | FaultMode.WriteProtect, WriteTracking = WriteTracking.Synchronous", "AsReadOnlySpan LeaseSpan Protect Unprotect")]
    [InlineData(
        "Mode = FaultMode.Missing | FaultMode.WriteProtect, WriteTracking = WriteTracking.Asynchronous",
        "AsSpan AsReadOnlySpan Protect CollectWrittenPages")]
    // The alias view is generated for Minor only, whatever the memory: shared memory alone has none.
    [InlineData("Mode = FaultMode.Missing, Memory = RegionMemory.Shared", "AsSpan AsReadOnlySpan")]
    [InlineData("Mode = FaultMode.Missing, Memory = RegionMemory.HugePages", "AsSpan AsReadOnlySpan")]
    [InlineData("Mode = FaultMode.Minor", "AsSpan AsReadOnlySpan AliasSpan")]
    [InlineData("Mode = FaultMode.Minor | FaultMode.WriteProtect, Memory = RegionMemory.HugePages", "AsReadOnlySpan LeaseSpan Protect Unprotect AliasSpan")]
    public Task Span_and_tracking_members_conflict_only_in_the_modes_that_generate_them(string arguments, string conflicting)
    {
        HashSet<string> generated = conflicting.Split(' ').ToHashSet(StringComparer.Ordinal);
        string members = string.Join(
            "\n    ",
            ModeMembers.Select(name => $"public void {(generated.Contains(name) ? "{|UFFD0006:" + name + "|}" : name)}(int unused) {{ }}"));
        return Verify<GeneratedMemberConflictAnalyzer>.Analyzer($$"""
            using System;
            using Uffd;

            [FaultRegion(Pages = 4, {{arguments}})]
            public partial class Journal
            {
                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);

                {{members}}
            }
            """);
    }
}
