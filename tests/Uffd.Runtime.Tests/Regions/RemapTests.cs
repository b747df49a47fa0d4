using Uffd.Interop;
using Uffd.Runtime.Tests.Infrastructure;

namespace Uffd.Runtime.Tests.Regions;

/// <summary>REMAP is followed: after an mremap of the whole region, faults at the new address keep their page index.</summary>
public sealed class RemapTests
{
    [Fact]
    public void After_mremap_the_region_is_served_at_its_new_address_with_the_same_page_indices()
    {
        const int Pages = 4;
        var recorder = new RegionRecorder(Pages);
        var region = TestRegion.Open(recorder, TestRegion.Settings("Moved", Pages));
        try
        {
            nint old = region.BaseAddress;
            Assert.True(RegionRecorder.HasPattern(1, Faulter.Run(() => region.ReadPage(1)).Join()));

            // A reserved destination, then mremap onto it: the REMAP (and UNMAP) events block mremap until read.
            nint target = Libc.mmap(0, (nuint)region.Length, Libc.PROT_NONE, Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS, -1, 0);
            Assert.NotEqual(Libc.MAP_FAILED, target);
            nint moved = Faulter.Run(() => Libc.mremap(old, (nuint)region.Length, (nuint)region.Length,
                Libc.MREMAP_MAYMOVE | Libc.MREMAP_FIXED, target)).Join();
            Assert.Equal(target, moved);

            Assert.True(Bounded.Until(() => region.BaseAddress == target), "the engine did not follow the REMAP");
            byte[][] read = Faulter.Run(() => Enumerable.Range(0, Pages).Select(i => region.ReadPage(i)).ToArray()).Join();
            for (int i = 0; i < Pages; i++)
            {
                Assert.True(RegionRecorder.HasPattern(i, read[i]), $"page {i}");
            }

            Assert.Equal(new[] { 1, 1, 1, 1 }, recorder.FillCalls);
        }
        finally
        {
            region.Dispose();
        }
    }
}
