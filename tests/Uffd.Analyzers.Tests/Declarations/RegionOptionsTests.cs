using Uffd.Analyzers.Declarations;
using Uffd.Analyzers.Tests.Infrastructure;

namespace Uffd.Analyzers.Tests.Declarations;

/// <summary>UFFD0007, UFFD0012, UFFD0013, UFFD0040 and UFFD0045, reported on the attribute argument.</summary>
public sealed class RegionOptionsTests
{
    private static string Region(string arguments) => $$"""
        using System;
        using Uffd;

        [FaultRegion({{arguments}})]
        public partial class Letters
        {
            [PageProvider]
            private void Fill(long pageIndex, Span<byte> page) => page.Fill(1);

            [WriteHandler]
            private void OnWrite(long pageIndex) { }
        }
        """;

    [Theory]
    [InlineData("Pages = 4, {|#0:HandlerThreads = -1|}", "HandlerThreads = -1 is negative; 0 means one per CPU")]
    [InlineData("Pages = 4, {|#0:ReadAhead = -3|}", "ReadAhead = -3 is negative")]
    [InlineData("{|#0:Mode = 0|}", "Mode has no fault kind; use Missing, WriteProtect, Minor or a combination")]
    [InlineData("{|#0:Mode = (FaultMode)9|}", "Mode = 9 has bits that are not FaultMode values")]
    [InlineData("{|#0:Memory = (RegionMemory)7|}", "Memory = 7 is not a RegionMemory value")]
    [InlineData("{|#0:OnProviderError = (ProviderErrorPolicy)3|}", "OnProviderError = 3 is not a ProviderErrorPolicy value")]
    [InlineData("Mode = FaultMode.WriteProtect, {|#0:WriteTracking = (WriteTracking)2|}", "WriteTracking = 2 is not a WriteTracking value")]
    [InlineData("{|#0:WriteTracking = (WriteTracking)(-1)|}", "WriteTracking = -1 is not a WriteTracking value")]
    [InlineData("Pages = 4, {|#0:UserModeOnly = (UserModeOnlyPolicy)3|}", "UserModeOnly = 3 is not a UserModeOnlyPolicy value")]
    [InlineData("{|#0:UserModeOnly = (UserModeOnlyPolicy)(-1)|}", "UserModeOnly = -1 is not a UserModeOnlyPolicy value")]
    [InlineData("Pages = 4, {|#0:MaxFaultsInFlight = -2|}", "MaxFaultsInFlight = -2 is negative; 0 means the runtime's default")]
    [InlineData("Pages = 4, ReadAhead = 8, {|#0:ReadAheadMode = (ReadAheadMode)2|}", "ReadAheadMode = 2 is not a ReadAheadMode value")]
    public Task An_invalid_option_is_reported_on_its_argument(string arguments, string reason) =>
        Verify<RegionOptionsAnalyzer>.Analyzer(
            Region(arguments),
            Verify<RegionOptionsAnalyzer>.Diagnostic("UFFD0007").WithLocation(0).WithArguments("Letters", reason));

    [Fact]
    public Task Negative_pages_are_reported_on_the_Pages_argument() =>
        Verify<RegionOptionsAnalyzer>.Analyzer(
            Region("{|#0:Pages = -8|}, HandlerThreads = 2"),
            Verify<RegionOptionsAnalyzer>.Diagnostic("UFFD0040").WithLocation(0).WithArguments("Letters", "-8"));

    [Theory]
    [InlineData("2147483592")]
    [InlineData("1L << 40")]
    [InlineData("long.MaxValue")]
    public Task Pages_above_what_the_page_table_holds_are_reported_on_the_Pages_argument(string pages) =>
        Verify<RegionOptionsAnalyzer>.Analyzer(
            Region($"{{|#0:Pages = {pages}|}}"),
            Verify<RegionOptionsAnalyzer>.Diagnostic("UFFD0045").WithLocation(0)
                .WithArguments("Letters", pages switch { "1L << 40" => "1099511627776", "long.MaxValue" => "9223372036854775807", _ => pages }, "2147483591"));

    [Fact]
    public Task Minor_faults_on_anonymous_memory_are_reported_on_the_Memory_argument() =>
        Verify<RegionOptionsAnalyzer>.Analyzer(Region("Mode = FaultMode.Minor, {|UFFD0012:Memory = RegionMemory.Anonymous|}"));

    [Fact]
    public Task Sequential_read_ahead_without_ReadAhead_is_reported_on_its_argument() =>
        Verify<RegionOptionsAnalyzer>.Analyzer(
            Region("Pages = 64, {|#0:ReadAheadMode = ReadAheadMode.Sequential|}"),
            Verify<RegionOptionsAnalyzer>.Diagnostic("UFFD0013").WithLocation(0)
                .WithArguments("Letters", "ReadAheadMode = Sequential", "without ReadAhead (the most pages it reads ahead)"));

    [Theory]
    [InlineData("Mode = FaultMode.WriteProtect, {|#0:ReadAhead = 4|}", "ReadAhead")]
    [InlineData("Mode = FaultMode.Missing, {|#0:ProtectOnFill = true|}", "ProtectOnFill")]
    [InlineData("Mode = FaultMode.Missing, {|#0:WriteTracking = WriteTracking.Asynchronous|}", "WriteTracking")]
    [InlineData(
        "Mode = FaultMode.Missing | FaultMode.WriteProtect, WriteTracking = WriteTracking.Asynchronous, {|#0:ProtectOnFill = true|}",
        "ProtectOnFill")]
    public Task An_option_the_mode_ignores_is_reported_on_its_argument(string arguments, string option) =>
        Verify<RegionOptionsAnalyzer>.Analyzer(
            Region(arguments),
            Verify<RegionOptionsAnalyzer>.Diagnostic("UFFD0013").WithLocation(0).WithArguments("Letters", option, "in this mode"));

    [Theory]
    [InlineData("Remote = true, {|#0:Mode = FaultMode.Missing | FaultMode.WriteProtect|}")]
    [InlineData("Remote = true, {|#0:Mode = FaultMode.Minor|}")]
    public Task A_remote_region_with_a_mode_other_than_Missing_is_reported_on_Mode(string arguments) =>
        Verify<RegionOptionsAnalyzer>.Analyzer(
            Region(arguments),
            Verify<RegionOptionsAnalyzer>.Diagnostic("UFFD0007").WithLocation(0).WithArguments("Letters",
                "a remote region serves Missing faults only: UFFDIO_MOVE cannot resolve into another process, CONTINUE needs a mapping of its shared file, and remote write protection is not supported"));

    [Theory]
    [InlineData("Remote = true, {|#0:Pages = 64|}", "Pages")]
    [InlineData("Remote = true, {|#0:Memory = RegionMemory.HugePages|}", "Memory")]
    [InlineData("Remote = true, ReadAhead = 8, {|#0:UserModeOnly = UserModeOnlyPolicy.Allow|}", "UserModeOnly")]
    public Task An_option_a_remote_region_takes_from_its_process_is_reported_on_its_argument(string arguments, string option) =>
        Verify<RegionOptionsAnalyzer>.Analyzer(
            Region(arguments),
            Verify<RegionOptionsAnalyzer>.Diagnostic("UFFD0013").WithLocation(0)
                .WithArguments("Letters", option, "in a remote region (the remote process's memory and uffd decide it)"));

    [Theory]
    [InlineData("Pages = 0")]
    [InlineData("Pages = 2147483591")]
    [InlineData("Pages = 16, HandlerThreads = 0, ReadAhead = 8")]
    [InlineData("Mode = FaultMode.Minor, Memory = RegionMemory.Shared")]
    [InlineData("Mode = FaultMode.Missing | FaultMode.WriteProtect, ProtectOnFill = true, OnProviderError = ProviderErrorPolicy.Poison")]
    [InlineData("Mode = FaultMode.Missing | FaultMode.WriteProtect | FaultMode.Minor, Memory = RegionMemory.HugePages")]
    [InlineData("Mode = FaultMode.Missing, WriteTracking = WriteTracking.Synchronous")]
    [InlineData("Mode = FaultMode.WriteProtect, WriteTracking = WriteTracking.Asynchronous")]
    [InlineData("Mode = FaultMode.Missing | FaultMode.WriteProtect, ProtectOnFill = true, WriteTracking = WriteTracking.Synchronous")]
    [InlineData("Remote = true")]
    [InlineData("Remote = true, Mode = FaultMode.Missing, ReadAhead = 15, ReadAheadMode = ReadAheadMode.Sequential, HandlerThreads = 2")]
    [InlineData("Remote = false, Pages = 16, Memory = RegionMemory.Shared")]
    public Task Valid_options_are_not_reported(string arguments) =>
        Verify<RegionOptionsAnalyzer>.Analyzer(Region(arguments));
}
