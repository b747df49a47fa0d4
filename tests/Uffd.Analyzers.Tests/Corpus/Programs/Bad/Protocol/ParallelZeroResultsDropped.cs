// corpus: expect UFFD0051
using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Uffd;

namespace Corpus.ParallelZeroResultsDropped;

/// <summary>A batch of faults zero-filled in parallel; the lambda throws every result away.</summary>
public static class ParallelZeroServer
{
    public static void Serve(Userfaultfd uffd, IReadOnlyList<nint> faultPages, int pageSize) =>
        Parallel.ForEach(faultPages, page => uffd.ZeroPage(page, pageSize));
}
