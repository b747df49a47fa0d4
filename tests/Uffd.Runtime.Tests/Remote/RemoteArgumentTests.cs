using System.Text;
using Uffd.Regions;
using Uffd.Runtime.Tests.Infrastructure;

namespace Uffd.Runtime.Tests.Remote;

/// <summary>
/// What a remote region accepts and refuses, with the message that says why: Firecracker's JSON mappings, the ranges
/// of <see cref="RemoteMemory"/>, the modes and providers <c>OpenRemote</c> can serve, and the accessors a region
/// whose memory is another process's never offers. The served memory here is this process's own, registered through a
/// uffd as a VMM would register guest memory, and touched only from native code.
/// </summary>
public sealed class RemoteArgumentTests
{
    private static readonly int PageSize = Environment.SystemPageSize;

    [Fact]
    public void Firecracker_mappings_parse_with_either_page_size_field_and_unknown_fields_ignored()
    {
        RemoteRange[] ranges = FirecrackerProtocol.ParseMappings(Encoding.UTF8.GetBytes(
            """[{"base_host_virt_addr":4096,"size":8192,"offset":0,"page_size_kib":4,"future":{"x":[1,2]}},{"size":4096,"offset":8192,"base_host_virt_addr":65536}]"""),
            out int pageSize);

        Assert.Equal(4096, pageSize);
        Assert.Equal([new RemoteRange(4096, 8192, 0), new RemoteRange(65536, 4096, 8192)], ranges);
        FirecrackerProtocol.ParseMappings(Encoding.UTF8.GetBytes("""[{"base_host_virt_addr":0,"size":2097152,"offset":0,"page_size":2097152}]"""), out pageSize);
        Assert.Equal(2 << 20, pageSize);
    }

    [Theory]
    [InlineData("""[{"base_host_virt_addr":4096,"offset":0}]""", "Mapping 0 lacks size")]
    [InlineData("""[{"base_host_virt_addr":-1,"size":4096,"offset":0}]""", "Mapping 0: base_host_virt_addr is not a non-negative integer")]
    [InlineData("""[{"base_host_virt_addr":0,"size":4096,"offset":0,"page_size":4096},{"base_host_virt_addr":8192,"size":4096,"offset":4096,"page_size":2097152}]""", "one uffd serves one page size")]
    [InlineData("[]", "there is no guest memory to serve")]
    [InlineData("{}", "is not a JSON array of mappings")]
    [InlineData("[{\"size\":", "not valid JSON")]
    public void Malformed_mappings_are_refused_naming_the_problem(string json, string expected)
    {
        var error = Assert.Throws<FormatException>(() => FirecrackerProtocol.ParseMappings(Encoding.UTF8.GetBytes(json), out _));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ranges_must_be_page_aligned_and_must_not_overlap_in_addresses_or_in_offsets()
    {
        using Userfaultfd uffd = CreateUffd();
        Assert.Contains("multiples of the page size",
            Assert.Throws<ArgumentException>(() => new RemoteMemory(uffd, [new RemoteRange(PageSize + 1, PageSize, 0)], PageSize)).Message, StringComparison.Ordinal);
        Assert.Contains("overlap in the remote address space",
            Assert.Throws<ArgumentException>(() => new RemoteMemory(uffd, [new RemoteRange(PageSize, 2L * PageSize, 0), new RemoteRange(2 * PageSize, PageSize, 8L * PageSize)], PageSize)).Message, StringComparison.Ordinal);
        Assert.Contains("overlap in the provider's page space",
            Assert.Throws<ArgumentException>(() => new RemoteMemory(uffd, [new RemoteRange(PageSize, PageSize, 0), new RemoteRange(8 * PageSize, PageSize, 0)], PageSize)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new RemoteMemory(uffd, [], PageSize));
        Assert.Throws<ArgumentException>(() => new RemoteMemory(uffd, [new RemoteRange(PageSize, PageSize, 0)], 3000));
        Assert.Equal(9, new RemoteMemory(uffd, [new RemoteRange(PageSize, PageSize, 8L * PageSize)], PageSize).PageSpace);
    }

    [Fact]
    public void Only_Missing_is_served_and_a_provider_that_may_poison_needs_the_senders_POISON()
    {
        using var memory = UffdMemory.MapAnonymous(4L * PageSize);
        using var remote = new RemoteMemory(CreateUffd(), [new RemoteRange(memory.Address, memory.Length, 0)], PageSize);
        var callbacks = new IndexCallbacks();

        Assert.Contains("serves Missing faults only", Assert.Throws<ArgumentException>(() =>
            FaultRegionEngine<IndexCallbacks>.OpenRemote(callbacks, Settings() with { Mode = FaultMode.Missing | FaultMode.WriteProtect }, remote)).Message, StringComparison.Ordinal);
        Assert.Contains("UFFD_FEATURE_POISON", Assert.Throws<ArgumentException>(() =>
            FaultRegionEngine<IndexCallbacks>.OpenRemote(callbacks, Settings() with { ProviderMayPoison = true }, remote)).Message, StringComparison.Ordinal);
        Assert.Contains("UFFD_FEATURE_POISON", Assert.Throws<ArgumentException>(() =>
            FaultRegionEngine<IndexCallbacks>.OpenRemote(callbacks, Settings() with { OnProviderError = ProviderErrorPolicy.Poison }, remote)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_remote_region_serves_its_ranges_and_offers_no_accessor_to_memory_that_is_not_its_own()
    {
        using var memory = UffdMemory.MapAnonymous(8L * PageSize);
        Userfaultfd uffd = CreateUffd();
        uffd.Register(memory.Address, memory.Length, RegisterMode.Missing);

        // Two ranges of the mapping, the second first in the page space: page index 0 is the mapping's page 4.
        var remote = new RemoteMemory(uffd, [new RemoteRange(memory.Address, 4L * PageSize, 4L * PageSize), new RemoteRange(memory.Address + 4 * PageSize, 4L * PageSize, 0)], PageSize);
        using var region = FaultRegionEngine<IndexCallbacks>.OpenRemote(new IndexCallbacks(), Settings(), remote);

        Assert.True(region.IsRemote);
        Assert.Equal(8, region.PageCount);
        Assert.Equal(5 + 4, GcSafeMemory.ReadByte(memory.Address + PageSize));     // range 0, page 1: index 5
        Assert.Equal(1 + 4, GcSafeMemory.ReadByte(memory.Address + 5 * PageSize)); // range 1, page 1: index 1
        Assert.Contains("serves another process's memory", Assert.Throws<InvalidOperationException>(() => region.AsReadOnlySpan(0, 1)).Message, StringComparison.Ordinal);
        Assert.Contains("Read", Assert.Throws<InvalidOperationException>(() => region.Read(0, new byte[1])).Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => region.BaseAddress);
        Assert.Throws<InvalidOperationException>(() => region.Prefault(0, PageSize));
        Assert.Contains("already served by a region", Assert.Throws<InvalidOperationException>(() =>
            FaultRegionEngine<IndexCallbacks>.OpenRemote(new IndexCallbacks(), Settings(), remote)).Message, StringComparison.Ordinal);

        region.Dispose();
        Assert.True(region.Ended.IsCompleted);
    }

    [Fact]
    public void A_provider_s_zero_answer_resolves_a_remote_fault_with_ZEROPAGE()
    {
        using var memory = UffdMemory.MapAnonymous(4L * PageSize);
        Userfaultfd uffd = Userfaultfd.Create(new UffdOptions
        {
            UserModeOnly = UserModeOnlyPolicy.Allow, RequiredFeatures = UffdFeatures.EventRemove | UffdFeatures.Poison, RevokeAccessOnClose = false,
        });
        uffd.Register(memory.Address, memory.Length, RegisterMode.Missing);
        var remote = new RemoteMemory(uffd, [new RemoteRange(memory.Address, memory.Length, 0)], PageSize);
        using var region = FaultRegionEngine<AnswerCallbacks>.OpenRemote(new AnswerCallbacks(), Settings() with { ProviderMayPoison = true }, remote);

        Assert.Equal(4 + 0, GcSafeMemory.ReadByte(memory.Address));
        Assert.Equal(0, GcSafeMemory.ReadByte(memory.Address + PageSize));
        FaultRegionStatistics statistics = region.Statistics;
        Assert.Equal((1, 1), (statistics.PagesFilled, statistics.ZeroPages));
    }

    /// <summary>Even pages filled, odd pages zero (a provider that returns PageFill may poison: the uffd has POISON).</summary>
    private readonly struct AnswerCallbacks : IFaultRegionCallbacks
    {
        public PageFill FillPage(in PageFaultContext context, Span<byte> page)
        {
            page.Fill(4);
            return context.PageIndex % 2 == 0 ? PageFill.Filled : PageFill.Zero;
        }

        public void OnWriteFault(in PageFaultContext context)
        {
        }
    }

    private static FaultRegionSettings Settings() => new("Remote", FaultMode.Missing, Pages: 0, ProviderMayPoison: false);

    private static Userfaultfd CreateUffd() => Userfaultfd.Create(new UffdOptions
    {
        UserModeOnly = UserModeOnlyPolicy.Allow, RequiredFeatures = UffdFeatures.EventRemove, RevokeAccessOnClose = false,
    });

    /// <summary>Fills page i with bytes of value i + 4, so a test can tell which index a page was filled as.</summary>
    private readonly struct IndexCallbacks : IFaultRegionCallbacks
    {
        public PageFill FillPage(in PageFaultContext context, Span<byte> page)
        {
            page.Fill((byte)(context.PageIndex + 4));
            return PageFill.Filled;
        }

        public void OnWriteFault(in PageFaultContext context)
        {
        }
    }
}
