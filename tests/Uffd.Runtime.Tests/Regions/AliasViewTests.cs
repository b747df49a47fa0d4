using Uffd.Regions;
using Uffd.Runtime.Tests.Infrastructure;

namespace Uffd.Runtime.Tests.Regions;

/// <summary>
/// Only Minor regions have an alias view. In any other region a page touched through an alias would be allocated in
/// the memfd as zeros and the provider would never run for it, so the engine maps none and its alias members throw.
/// </summary>
public sealed class AliasViewTests
{
    private const int Pages = 8;
    private const string NoAlias = "has no alias view: the alias exists only for Minor regions";

    [Theory]
    [InlineData(FaultMode.Missing, RegionMemory.Shared)]
    [InlineData(FaultMode.Missing | FaultMode.WriteProtect, RegionMemory.Shared)]
    [InlineData(FaultMode.WriteProtect, RegionMemory.Shared)]
    [InlineData(FaultMode.Missing, RegionMemory.Anonymous)]
    public void A_region_without_Minor_has_no_alias_and_its_alias_members_say_to_use_the_accessors(FaultMode mode, RegionMemory memory)
    {
        using var region = TestRegion.Open(new RegionRecorder(Pages), TestRegion.Settings("NoAlias", Pages, mode) with { Memory = memory });

        var address = Assert.Throws<InvalidOperationException>(() => region.AliasAddress);
        var span = Assert.Throws<InvalidOperationException>(() => region.AliasSpan(0, region.PageSize).Length);
        foreach (InvalidOperationException e in new[] { address, span })
        {
            Assert.Contains($"Region 'NoAlias' ({mode}) {NoAlias}", e.Message);
            Assert.Contains("Use AsSpan, AsReadOnlySpan, Read or Write, which fill pages through the provider", e.Message);
        }
    }

    [Fact]
    public void Every_page_of_a_shared_Missing_region_comes_from_the_provider_through_spans_and_Read()
    {
        var recorder = new RegionRecorder(Pages);
        using var region = TestRegion.Open(recorder, TestRegion.Settings("SharedMissing", Pages) with { Memory = RegionMemory.Shared });

        List<long> wrong = Faulter.Run(() => Enumerable.Range(0, Pages).Select(i => (long)i).Where(i =>
            i % 2 == 0
                ? !RegionRecorder.HasPattern(i, region.AsReadOnlySpan(i * region.PageSize, region.PageSize))
                : !RegionRecorder.HasPattern(i, region.ReadPage(i))).ToList()).Join();

        Assert.Empty(wrong);
        Assert.All(recorder.FillCalls, calls => Assert.Equal(1, calls));
        Assert.Equal(Pages, region.Statistics.PagesFilled);
    }

    [Fact]
    public void A_Minor_region_has_its_alias_until_it_is_disposed()
    {
        using var region = TestRegion.Open(new RegionRecorder(Pages), TestRegion.Settings("WithAlias", Pages, FaultMode.Minor | FaultMode.WriteProtect));

        Assert.NotEqual(0, region.AliasAddress);
        Assert.Equal(region.PageSize, region.AliasSpan(0, region.PageSize).Length);
        region.Dispose();
        Assert.Throws<ObjectDisposedException>(() => region.AliasAddress);
    }
}
