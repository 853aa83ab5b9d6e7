extern alias PlexusCli;

using PlexusCli::Plexus.Cli;

namespace Plexus.Tests.Unit;

[Trait(Category.Name, Category.Unit)]
public sealed class ProtocolLineFilterTests
{
    public static TheoryData<string, string> Outputs => new()
    {
        { "Stage Setup\n::plexus stage=Setup\nDone.\n", "Stage Setup\nDone.\n" },
        { "  \t::plexus stage=A processed=1 total=2\r\nkept\r\n", "kept\r\n" },
        { "::plexus\n::plexusX is text\n::plex\n", "::plexusX is text\n::plex\n" },
        { "progress  10%\rprogress  20%\r::plexus stage=B\rafter", "progress  10%\rprogress  20%\rafter" },
        { "\n  \n:: plexus stage=C\nnot ::plexus stage=D\n", "\n  \n:: plexus stage=C\nnot ::plexus stage=D\n" },
        { "last line ::plexus", "last line ::plexus" },
        { "tail\n::plexus stage=E", "tail\n" },
        { "tail\n::ple", "tail\n::ple" },
    };

    [Theory]
    [MemberData(nameof(Outputs))]
    public void Strip_WholeOutput_LeavesOutOnlyProtocolLines(string output, string shown) =>
        Assert.Equal(shown, ProtocolLineFilter.Strip(output));

    [Theory]
    [MemberData(nameof(Outputs))]
    public void Filter_OutputSplitAnywhere_ShowsTheSameAsWhole(string output, string shown)
    {
        for (var split = 0; split <= output.Length; split++)
        {
            var filter = new ProtocolLineFilter();

            var seen = filter.Filter(output[..split]) + filter.Filter(output[split..]) + filter.Flush();

            Assert.Equal(shown, seen);
        }
    }

    [Fact]
    public void Filter_TextThatCannotBeProtocol_PassesAtOnceWithoutALineEnd()
    {
        var filter = new ProtocolLineFilter();

        Assert.Equal("  50%|█████", filter.Filter("  50%|█████"));
        Assert.Equal("\n", filter.Filter("\n::plex"));
        Assert.Equal("::plexus-like\n", filter.Filter("us-like\n"));
    }
}
