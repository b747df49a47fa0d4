// corpus: expect UFFD0023
using System;
using System.Threading.Tasks;
using Uffd;

namespace Corpus.AsyncVoidWriteHandler;

// The write handler notifies a remote service, so it was made async void "to not block the handler thread".
[FaultRegion(Mode = FaultMode.Missing | FaultMode.WriteProtect, Pages = 16)]
public sealed partial class Replicated
{
    private readonly Func<long, Task> _send;

    public Replicated(Func<long, Task> send) => _send = send;

    [PageProvider]
    private static void Fill(long pageIndex, Span<byte> page) => page.Clear();

    [WriteHandler]
    private async void OnWrite(long pageIndex) => await _send(pageIndex);
}
