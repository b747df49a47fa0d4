using Uffd.Regions;
using Uffd.Runtime.Tests.Infrastructure;

namespace Uffd.Runtime.Tests.Regions;

/// <summary>Minor mode on shared memory: content written through the alias is seen (and edited) by the provider.</summary>
public sealed class MinorFaultRegionTests
{
    private const int Pages = 8;

    [Fact]
    public void The_provider_sees_the_alias_content_edits_it_in_place_and_the_reader_sees_the_edit()
    {
        var seen = new byte[Pages];
        var recorder = new RegionRecorder(Pages)
        {
            Filler = (in PageFaultContext c, Span<byte> page) =>
            {
                seen[c.PageIndex] = page[0];
                page[1] = (byte)(page[0] ^ 0xFF);
                return PageFill.Filled;
            },
        };
        using var region = TestRegion.Open(recorder, TestRegion.Settings("Minor", Pages, FaultMode.Minor));
        Assert.NotEqual(0, region.AliasAddress);
        for (int i = 0; i < Pages; i++)
        {
            region.AliasSpan((long)i * region.PageSize, region.PageSize).Fill((byte)(0x10 + i));
        }

        byte[][] read = Faulter.Run(() => Enumerable.Range(0, Pages).Select(i => region.ReadPage(i)).ToArray()).Join();
        Faulter.Run(() => Enumerable.Range(0, Pages).Select(i => region.ReadPage(i)).ToArray()).Join();

        for (int i = 0; i < Pages; i++)
        {
            Assert.Equal((byte)(0x10 + i), seen[i]);
            Assert.Equal((byte)(0x10 + i), read[i][0]);
            Assert.Equal((byte)((0x10 + i) ^ 0xFF), read[i][1]);
            Assert.True(read[i].AsSpan(2).IndexOfAnyExcept((byte)(0x10 + i)) < 0);
        }

        Assert.All(recorder.FillCalls, calls => Assert.Equal(1, calls));
        Assert.Equal(Pages, region.Statistics.MinorFaults);
    }

    [Fact]
    public void Minor_with_missing_serves_cached_pages_as_minor_and_holes_through_the_provider()
    {
        var recorder = new RegionRecorder(Pages)
        {
            Filler = (in PageFaultContext c, Span<byte> page) =>
            {
                if (c.PageIndex % 2 == 0)
                {
                    page[0] ^= 0xFF;           // a cached page: edit in place
                }
                else
                {
                    RegionRecorder.Pattern(c.PageIndex, page);   // a hole: fill the staging page
                }

                return PageFill.Filled;
            },
        };
        using var region = TestRegion.Open(recorder, TestRegion.Settings("MinorMissing", Pages, FaultMode.Minor | FaultMode.Missing));
        for (int i = 0; i < Pages; i += 2)
        {
            region.AliasSpan((long)i * region.PageSize, region.PageSize).Fill(0x33);
        }

        byte[][] read = Faulter.Run(() => Enumerable.Range(0, Pages).Select(i => region.ReadPage(i)).ToArray()).Join();
        for (int i = 0; i < Pages; i++)
        {
            if (i % 2 == 0)
            {
                Assert.Equal(0xCC, read[i][0]);
                Assert.True(read[i].AsSpan(1).IndexOfAnyExcept((byte)0x33) < 0);
            }
            else
            {
                Assert.True(RegionRecorder.HasPattern(i, read[i]), $"page {i}");
            }
        }

        Assert.All(recorder.FillCalls, calls => Assert.Equal(1, calls));
        Assert.Equal(Pages / 2, region.Statistics.MinorFaults);
        Assert.Equal(Pages / 2, region.Statistics.PagesFilled);
    }

    [Fact]
    public void Minor_needs_shared_memory()
    {
        Assert.Throws<ArgumentException>(() =>
            TestRegion.Open(new RegionRecorder(1), TestRegion.Settings("Bad", 1, FaultMode.Minor) with { Memory = RegionMemory.Anonymous }));
    }
}
