namespace Plexus.Tests.Aws.DynamoDb;

/// <summary>A grain that keeps a counter in DynamoDB grain storage and can count its own reminder ticks.</summary>
[Alias("plexus.tests.IDynamoDbProbeGrain")]
public interface IDynamoDbProbeGrain : IGrainWithStringKey
{
    [Alias("IncrementAsync")]
    Task<int> IncrementAsync();

    [Alias("GetAsync")]
    Task<ProbeState> GetAsync();

    [Alias("DeactivateAsync")]
    Task DeactivateAsync();

    [Alias("StartReminderAsync")]
    Task StartReminderAsync();
}

/// <summary>The probe grain's persisted state.</summary>
[GenerateSerializer, Alias("plexus.tests.ProbeState")]
public sealed record ProbeState
{
    [Id(0)] public int Count { get; init; }

    [Id(1)] public int ReminderTicks { get; init; }
}

/// <summary>The probe grain: every change is written to the storage named <see cref="StorageName"/> at once.</summary>
public sealed class DynamoDbProbeGrain([PersistentState("probe", DynamoDbProbeGrain.StorageName)] IPersistentState<ProbeState> state)
    : Grain, IDynamoDbProbeGrain, IRemindable
{
    public const string StorageName = "dynamo";

    public async Task<int> IncrementAsync()
    {
        state.State = state.State with { Count = state.State.Count + 1 };
        await state.WriteStateAsync();
        return state.State.Count;
    }

    public Task<ProbeState> GetAsync() => Task.FromResult(state.State);

    public Task DeactivateAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task StartReminderAsync() => this.RegisterOrUpdateReminder("tick", TimeSpan.FromMilliseconds(200), TimeSpan.FromMinutes(1));

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        state.State = state.State with { ReminderTicks = state.State.ReminderTicks + 1 };
        await state.WriteStateAsync();
    }
}
