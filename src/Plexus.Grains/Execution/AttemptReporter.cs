using System.Text;
using Plexus.Actions;
using Plexus.Progress;

namespace Plexus.Execution;

/// <summary>
/// Collects what a running attempt produces between two reports to its action grain: output decoded as
/// UTF-8 (a character split across reads is kept whole) and the progress found in it. Thread-safe: the
/// stdout and stderr readers add, the report loop drains. Progress is stamped with the time its line was read.
/// One reporter serves one step of the attempt.
/// </summary>
public sealed class AttemptReporter(int attempt, TimeProvider time, int step = 1)
{
    private readonly Lock _gate = new();
    private readonly StreamState _stdout = new("stdout");
    private readonly StreamState _stderr = new("stderr");
    private readonly List<OutputChunk> _output = [];
    private readonly List<ProgressUpdate> _progress = [];

    /// <summary>Adds bytes read from one of the process's output streams.</summary>
    public void Add(OutputStream stream, ReadOnlyMemory<byte> bytes)
    {
        var state = stream == OutputStream.Stdout ? _stdout : _stderr;
        lock (_gate)
        {
            var chars = new char[state.Decoder.GetCharCount(bytes.Span, flush: false)];
            var count = state.Decoder.GetChars(bytes.Span, chars, flush: false);
            if (count == 0)
            {
                return;
            }

            var text = new string(chars, 0, count);
            if (_output.Count > 0 && _output[^1].Stream == state.Name)
            {
                _output[^1] = _output[^1] with { Text = _output[^1].Text + text };
            }
            else
            {
                _output.Add(new OutputChunk(attempt, state.Name, text));
            }

            // tqdm draws on stderr and progress lines usually go to stdout: both are read.
            Stamp(state.Parser.Feed(text));
        }
    }

    /// <summary>Returns what was collected since the last call, or <see langword="null"/> when nothing was.</summary>
    /// <param name="final">Whether the process has ended: a last unterminated progress line counts too.</param>
    public AttemptReport? Drain(bool final = false)
    {
        lock (_gate)
        {
            if (final)
            {
                Stamp(_stdout.Parser.Flush());
                Stamp(_stderr.Parser.Flush());
            }

            if (_output.Count == 0 && _progress.Count == 0)
            {
                return null;
            }

            var report = new AttemptReport(attempt, [.. _output], [.. _progress], step);
            _output.Clear();
            _progress.Clear();
            return report;
        }
    }

    /// <summary>Returns a report without output or progress: it only says the attempt is still alive.</summary>
    public AttemptReport Heartbeat() => new(attempt, [], [], step);

    private void Stamp(IEnumerable<ProgressUpdate> updates)
    {
        var now = time.GetUtcNow();
        foreach (var update in updates)
        {
            _progress.Add(update with { At = now });
        }
    }

    private sealed class StreamState(string name)
    {
        public string Name { get; } = name;

        public Decoder Decoder { get; } = Encoding.UTF8.GetDecoder();

        public ProgressParser Parser { get; } = new();
    }
}
