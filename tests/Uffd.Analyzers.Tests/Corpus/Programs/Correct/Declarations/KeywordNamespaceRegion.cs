using System;
using Uffd;

// Generated protocol bindings put their types in namespaces named after the schema's packages, keywords included.
namespace Corpus.KeywordNamespaceRegion.@internal.@event
{
    [FaultRegion(Pages = 8)]
    public sealed partial class EventLog
    {
        [PageProvider]
        private static void Fill(long pageIndex, Span<byte> page) => page.Clear();
    }

    public static class EventLogReader
    {
        public static byte FirstByte()
        {
            using var log = new EventLog();
            log.Open();
            return log.AsReadOnlySpan(0, 1)[0];
        }
    }
}
