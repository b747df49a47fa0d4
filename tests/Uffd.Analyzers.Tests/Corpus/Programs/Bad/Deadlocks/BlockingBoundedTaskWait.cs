// corpus: expect UFFD0031
using System;
using System.Threading.Tasks;
using Uffd;

namespace Corpus.BlockingBoundedTaskWait;

public interface ITileRenderer
{
    Task<byte[]> RenderAsync(long tile);
}

/// <summary>
/// The author bounded the wait, thinking a timeout makes it harmless: every fault behind this one still waits up to
/// two seconds.
/// </summary>
[FaultRegion(Pages = 1024)]
public sealed partial class RenderedTiles(ITileRenderer renderer)
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        Task<byte[]> render = renderer.RenderAsync(pageIndex);
        if (render.Wait(TimeSpan.FromSeconds(2)))
        {
            render.Result.AsSpan(0, Math.Min(render.Result.Length, page.Length)).CopyTo(page);
        }
        else
        {
            page.Clear();
        }
    }
}
