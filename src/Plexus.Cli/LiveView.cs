using System.Globalization;
using System.Text;
using System.Text.Json;
using Plexus.Actions;
using Plexus.Client;

namespace Plexus.Cli;

/// <summary>
/// Shows a watched action: its output on stdout/stderr as it comes (without the <c>::plexus</c> protocol lines), and
/// its status, stage, progress bar, percent and ETA — redrawn in place on a terminal, one line per change otherwise,
/// or one JSON event per line, protocol lines included.
/// </summary>
public sealed class LiveView(bool json)
{
    private const int BarWidth = 20;
    private readonly Dictionary<(int Attempt, string Stream), ProtocolLineFilter> _filters = [];
    private readonly bool _redraw = !json && !Console.IsErrorRedirected;
    private string _statusLine = "";
    private string _lastPrinted = "";

    /// <summary>Gets whether any output of the command was shown.</summary>
    public bool ShowedOutput { get; private set; }

    /// <summary>Shows one event.</summary>
    public void Show(ActionEvent item)
    {
        if (json)
        {
            var document = item.Action is { } a
                ? (object)new { @event = "changed", action = a }
                : new { @event = "output", stream = item.Output!.Stream, text = item.Output.Text, attempt = item.Output.Attempt };
            Console.WriteLine(JsonSerializer.Serialize(document, ActionJson.Compact));
            return;
        }

        if (item.Output is { } output)
        {
            var key = (output.Attempt, output.Stream);
            var shown = (_filters.TryGetValue(key, out var filter) ? filter : _filters[key] = new ProtocolLineFilter()).Filter(output.Text);
            ShowedOutput = true;
            Write(output.Stream, shown);
            return;
        }

        _statusLine = Describe(item.Action!);
        if (_redraw)
        {
            DrawStatus();
        }
        else if (_statusLine != _lastPrinted)
        {
            Console.Error.WriteLine(_statusLine);
            _lastPrinted = _statusLine;
        }
    }

    /// <summary>Shows what is left of the output and leaves the terminal clean after the last event.</summary>
    public void Finish()
    {
        foreach (var ((_, stream), filter) in _filters)
        {
            Write(stream, filter.Flush());
        }

        if (_redraw && _statusLine.Length > 0)
        {
            ClearStatus();
            Console.Error.WriteLine(_statusLine);
        }
    }

    /// <summary>Returns the one-line status of <paramref name="action"/>: status, stage, bar, counts, percent, ETA.</summary>
    public static string Describe(ActionSnapshot action)
    {
        var text = new StringBuilder($"[{action.Status}]");
        if (action.CancelRequestedBy is not null && !action.Status.IsFinal())
        {
            text.Append(" cancelling");
        }

        if (action.NextAttemptAt is { } next)
        {
            var wait = Math.Max(0, (next - DateTimeOffset.UtcNow).TotalSeconds);
            text.Append(CultureInfo.InvariantCulture, $" attempt {action.Attempt} ended {action.Attempts.LastOrDefault()?.Outcome}; attempt {action.Attempt + 1} in {wait:0.#} s");
        }

        // An action of several commands says which step runs and how far all of them are.
        if (action.Steps.Count > 1 && action.Steps.Find(s => s.Status == StepStatus.Running) is { } step)
        {
            text.Append(CultureInfo.InvariantCulture, $" step {step.Number}/{action.Steps.Count} ({action.Percent ?? 0:0}% of all)");
        }

        if (action.Stages.LastOrDefault() is { } stage)
        {
            text.Append(CultureInfo.InvariantCulture, $" {stage.Name}");
            if (stage.Percent is { } percent)
            {
                var filled = (int)Math.Round(percent / 100 * BarWidth);
                text.Append(CultureInfo.InvariantCulture, $" {percent,3:0}%|{new string('█', filled)}{new string(' ', BarWidth - filled)}| {stage.Processed}/{stage.Total}");
            }
            else if (stage.Processed is { } done)
            {
                text.Append(CultureInfo.InvariantCulture, $" {done} items");
            }

            if (action.EstimatedCompletion is { } eta && !action.Status.IsFinal())
            {
                var left = eta - DateTimeOffset.UtcNow;
                text.Append(CultureInfo.InvariantCulture, $" ETA {(left > TimeSpan.Zero ? left : TimeSpan.Zero):hh\\:mm\\:ss}");
            }

            if (stage.Message is { Length: > 0 } message)
            {
                text.Append(CultureInfo.InvariantCulture, $" – {message}");
            }
        }

        return text.ToString();
    }

    private void Write(string stream, string text)
    {
        if (text.Length == 0)
        {
            return;
        }

        ClearStatus();
        (stream == "stderr" ? Console.Error : Console.Out).Write(text);
        DrawStatus();
    }

    private void DrawStatus()
    {
        if (_redraw && _statusLine.Length > 0)
        {
            Console.Error.Write($"\r{Fit(_statusLine)}\u001b[K");
        }
    }

    private void ClearStatus()
    {
        if (_redraw && _statusLine.Length > 0)
        {
            Console.Error.Write("\r\u001b[K");
        }
    }

    private static string Fit(string line)
    {
        var width = Console.IsErrorRedirected ? 200 : Math.Max(20, Console.WindowWidth - 1);
        return line.Length > width ? line[..width] : line;
    }
}
