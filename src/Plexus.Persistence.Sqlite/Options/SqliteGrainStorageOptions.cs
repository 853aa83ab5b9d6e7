using Orleans.Storage;

namespace Plexus.Persistence.Sqlite.Options;

/// <summary>Settings of a grain storage kept in a local SQLite database file.</summary>
public sealed class SqliteGrainStorageOptions : IStorageProviderSerializerOptions
{
    /// <summary>Gets or sets the path of the database file; its folder is created if missing. Required.</summary>
    public string DatabasePath { get; set; } = "";

    /// <summary>
    /// Gets or sets the lifecycle stage at which the storage creates its table. Default is
    /// <see cref="ServiceLifecycleStage.ApplicationServices"/>.
    /// </summary>
    public int InitStage { get; set; } = ServiceLifecycleStage.ApplicationServices;

    /// <summary>Gets or sets how grain state becomes bytes. Default is the Orleans binary serializer (version tolerant).</summary>
    public IGrainStorageSerializer GrainStorageSerializer { get; set; } = null!;
}
