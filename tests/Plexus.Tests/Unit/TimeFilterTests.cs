using Plexus.Client;

namespace Plexus.Tests.Unit;

[Trait(Category.Name, Category.Unit)]
public sealed class TimeFilterTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("30m", 1800)]
    [InlineData("1.5h", 5400)]
    [InlineData("7d", 604800)]
    [InlineData("2w", 1209600)]
    public void Parse_Age_CountsBackFromNow(string text, double seconds) =>
        Assert.Equal(Now.AddSeconds(-seconds), TimeFilter.Parse(text, "--since", Now));

    [Fact]
    public void Parse_DateAndTimeWithOffset_IsThatMoment() =>
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 14, 0, 0, TimeSpan.FromHours(1)), TimeFilter.Parse("2026-11-30T14:00+01:00", "--since", Now));

    [Fact]
    public void Parse_DateAlone_IsItsLocalMidnight() =>
        Assert.Equal(new DateTimeOffset(new DateTime(2026, 11, 30, 0, 0, 0, DateTimeKind.Local)), TimeFilter.Parse("2026-11-30", "--since", Now));

    [Theory]
    [InlineData("")]
    [InlineData("h")]
    [InlineData("-1h")]
    [InlineData("1y")]
    [InlineData("99999999d")]
    [InlineData("yesterday")]
    public void Parse_Unusable_ThrowsNamingTheOption(string text)
    {
        var error = Assert.Throws<PlexusException>(() => TimeFilter.Parse(text, "--since", Now));

        Assert.StartsWith("--since", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0s")]
    [InlineData("soon")]
    [InlineData("7")]
    public void ParseSpan_Unusable_ThrowsNamingTheOption(string text) =>
        Assert.StartsWith("--retention", Assert.Throws<PlexusException>(() => TimeFilter.ParseSpan(text, "--retention")).Message, StringComparison.Ordinal);

    [Fact]
    public void ParseSpan_DaysAndHours_AreThatLong()
    {
        Assert.Equal(TimeSpan.FromDays(7), TimeFilter.ParseSpan("7d", "--retention"));
        Assert.Equal(TimeSpan.FromHours(12), TimeFilter.ParseSpan(" 12h ", "--retention"));
    }
}
