// corpus: expect UFFD0031
using System;
using System.Threading.Tasks;
using Uffd;

namespace Corpus.BlockingRunSyncUtility;

/// <summary>The classic sync-over-async utility every code base grows.</summary>
internal static class AsyncHelper
{
    public static T RunSync<T>(Func<Task<T>> work) => Task.Run(work).GetAwaiter().GetResult();
}

public interface IPageRepository
{
    Task<byte[]> LoadAsync(long pageIndex);
}

[FaultRegion(Pages = 256)]
public sealed partial class RepositoryPages(IPageRepository repository)
{
    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        byte[] bytes = AsyncHelper.RunSync(() => repository.LoadAsync(pageIndex));
        bytes.AsSpan(0, Math.Min(bytes.Length, page.Length)).CopyTo(page);
    }
}
