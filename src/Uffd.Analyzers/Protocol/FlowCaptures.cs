using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Uffd.Analyzers.Protocol;

/// <summary>
/// The values a graph's flow captures hold. The graph rewrites <c>uffd?.Copy(...)</c> into a capture of <c>uffd</c> and
/// a call on the capture: the receiver is found through it.
/// </summary>
internal sealed class FlowCaptures
{
    private readonly Dictionary<CaptureId, IOperation> values = new();

    public FlowCaptures(ControlFlowGraph graph)
    {
        var ambiguous = new HashSet<CaptureId>();
        foreach (BasicBlock block in graph.Blocks)
        {
            foreach (IOperation operation in FunctionGraph.BlockOperations(block))
            {
                foreach (IOperation node in operation.DescendantsAndSelf())
                {
                    if (node is IFlowCaptureOperation capture && !ambiguous.Contains(capture.Id))
                    {
                        if (values.ContainsKey(capture.Id))
                        {
                            // Captured on several branches (?:, ??): no single receiver.
                            values.Remove(capture.Id);
                            ambiguous.Add(capture.Id);
                        }
                        else
                        {
                            values[capture.Id] = capture.Value;
                        }
                    }
                }
            }
        }
    }

    /// <summary><see cref="ProtocolOperations.ReceiverSymbol"/>, looking through flow captures.</summary>
    public ISymbol? ReceiverSymbol(IOperation? receiver)
    {
        for (int depth = 0; depth < 8; depth++)
        {
            if (ProtocolOperations.Unwrap(receiver) is IFlowCaptureReferenceOperation reference && values.TryGetValue(reference.Id, out IOperation? value))
            {
                receiver = value;
                continue;
            }

            return ProtocolOperations.ReceiverSymbol(receiver);
        }

        return null;
    }
}
