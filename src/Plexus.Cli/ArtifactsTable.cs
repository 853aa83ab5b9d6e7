using System.Globalization;
using System.Text;
using Plexus.Actions;

namespace Plexus.Cli;

/// <summary>The table <c>artifacts</c> prints: the kept files, then those not kept with why.</summary>
public static class ArtifactsTable
{
    /// <summary>Returns the artifacts of <paramref name="action"/> as text.</summary>
    public static string Format(ActionSnapshot action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var text = new StringBuilder();
        var refused = action.Steps.SelectMany(s => s.ArtifactsRefused.Select(r => (Step: s, Refusal: r))).ToList();
        if (action.Artifacts.Count == 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Action {action.Id} kept no artifacts.");
        }
        else
        {
            var width = Math.Max(4, action.Artifacts.Max(a => a.Name.Length));
            text.AppendLine(CultureInfo.InvariantCulture, $"{"NAME".PadRight(width)}  {"SIZE",10}  STEP  ATTEMPT  SHA-256");
            foreach (var artifact in action.Artifacts)
            {
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"{artifact.Name.PadRight(width)}  {ByteSize.Format(artifact.Size),10}  {artifact.Step,4}  {artifact.Attempt,7}  {artifact.Sha256}");
            }
        }

        foreach (var (step, refusal) in refused)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"not kept (step {step.Number}, attempt {step.Attempt}): {refusal.Name}: {refusal.Reason}");
        }

        return text.ToString();
    }
}
