using System;
using System.Text;

namespace Uffd.Generators.Helpers;

/// <summary>
/// Builds generated source with four-space indentation and "\n" line endings on every platform, so the output (and
/// the approved snapshots) are byte-identical everywhere.
/// </summary>
internal sealed class IndentedTextWriter
{
    private const string IndentUnit = "    ";
    private readonly StringBuilder builder = new();
    private int depth;

    /// <summary>Writes one line at the current indentation (an empty line has no trailing spaces).</summary>
    public void WriteLine(string line = "")
    {
        if (line.Length > 0)
        {
            for (int i = 0; i < depth; i++)
            {
                builder.Append(IndentUnit);
            }

            builder.Append(line);
        }

        builder.Append('\n');
    }

    /// <summary>Writes "{", indents until the returned scope is disposed, then writes "}" (plus <paramref name="suffix"/>).</summary>
    public Block WriteBlock(string suffix = "")
    {
        WriteLine("{");
        depth++;
        return new Block(this, suffix);
    }

    public override string ToString() => builder.ToString();

    /// <summary>Closes a block opened by <see cref="WriteBlock"/>.</summary>
    public readonly struct Block : IDisposable
    {
        private readonly IndentedTextWriter writer;
        private readonly string suffix;

        public Block(IndentedTextWriter writer, string suffix)
        {
            this.writer = writer;
            this.suffix = suffix;
        }

        public void Dispose()
        {
            writer.depth--;
            writer.WriteLine("}" + suffix);
        }
    }
}
