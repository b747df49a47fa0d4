using System;
using System.Threading.Tasks;
using Uffd;

namespace Corpus.CompletionSourceWait;

/// <summary>
/// A region whose contents are published once, from outside, through a TaskCompletionSource. Until then the provider
/// serves zero pages; the task's Result is read only when it has completed.
/// </summary>
[FaultRegion(Pages = 32)]
public sealed partial class PublishedBlob
{
    private readonly TaskCompletionSource<byte[]> _published = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Publish(byte[] contents) => _published.TrySetResult(contents);

    public Task<byte[]> Published => _published.Task;

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page)
    {
        if (!_published.Task.IsCompletedSuccessfully)
        {
            page.Clear();
            return;
        }

        byte[] contents = _published.Task.Result;
        long start = pageIndex * page.Length;
        int count = (int)Math.Clamp(contents.Length - start, 0, page.Length);
        contents.AsSpan((int)Math.Min(start, contents.Length), count).CopyTo(page);
        page[count..].Clear();
    }
}
