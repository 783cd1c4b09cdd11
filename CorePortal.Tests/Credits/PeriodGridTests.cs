using Bunit;
using CorePortal.Components.Pages.Clients;
using CorePortal.Features.Credits;
using CorePortal.Tests.Infrastructure;

namespace CorePortal.Tests.Credits;

public sealed class PeriodGridTests : PortalComponentTest
{
    private static readonly PeriodRow Past = new(1, new(2026, 9, 1), new(2026, 9, 30), 8, 8, Guid.NewGuid(), IsCurrent: false, IsPast: true);
    private static readonly PeriodRow Current = new(2, new(2026, 10, 1), new(2026, 10, 31), 3, 8, Guid.NewGuid(), IsCurrent: true, IsPast: false);
    private static readonly PeriodRow Unlimited = new(3, new(2026, 11, 1), new(2026, 11, 30), 5, null, Guid.NewGuid(), IsCurrent: false, IsPast: false);

    [Fact]
    public void Each_time_frame_shows_Credits_Used_over_Max_with_infinity_for_unlimited()
    {
        var grid = Render<PeriodGrid>(p => p.Add(g => g.Periods, [Past, Current, Unlimited]));

        Assert.Contains("Credits Used / Max", grid.Find("thead").TextContent, StringComparison.Ordinal);
        Assert.Equal(["8 / 8", "3 / 8", "5 / ∞"], grid.FindAll("[data-testid=used-max]").Select(c => c.TextContent));
    }

    [Fact]
    public void The_current_period_is_marked_and_past_ones_are_greyed()
    {
        var grid = Render<PeriodGrid>(p => p.Add(g => g.Periods, [Past, Current, Unlimited]));

        var rows = grid.FindAll("tbody tr");
        Assert.Contains("period-past", rows[0].ClassName, StringComparison.Ordinal);
        Assert.Equal("Current", grid.Find("tr[data-current=true] [data-testid=current-marker]").TextContent.Trim());
        Assert.Single(grid.FindAll("[data-testid=current-marker]"));
    }

    [Fact]
    public void Update_Credits_shows_only_to_those_who_may_edit()
    {
        var readOnly = Render<PeriodGrid>(p => p.Add(g => g.Periods, [Current]).Add(g => g.CanEdit, false));
        Assert.DoesNotContain("Update Credits", readOnly.Markup, StringComparison.OrdinalIgnoreCase);

        PeriodRow? clicked = null;
        var editable = Render<PeriodGrid>(p => p.Add(g => g.Periods, [Current]).Add(g => g.CanEdit, true)
            .Add(g => g.OnUpdate, (PeriodRow row) => clicked = row));
        editable.FindAll("button").Single(b => b.TextContent.Contains("Update Credits", StringComparison.OrdinalIgnoreCase)).Click();
        Assert.Equal(Current, clicked);
    }
}
