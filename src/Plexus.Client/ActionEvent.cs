using Plexus.Actions;

namespace Plexus.Client;

/// <summary>Something that happened to a watched action: a new state of it, or output of its command.</summary>
/// <param name="Action">The action as it is now, for a change; <see langword="null"/> for output.</param>
/// <param name="Output">The output, for output; <see langword="null"/> for a change.</param>
public sealed record ActionEvent(ActionSnapshot? Action, OutputChunk? Output);
