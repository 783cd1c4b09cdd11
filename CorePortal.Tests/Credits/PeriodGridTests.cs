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

    [Fact]
    public void Ticking_a_period_hands_the_parent_a_new_selection_and_leaves_its_set_untouched()
    {
        IReadOnlySet<int> parents = new HashSet<int> { Past.Id };
        IReadOnlySet<int>? handed = null;
        var grid = Render<PeriodGrid>(p => p.Add(g => g.Periods, [Past, Current, Unlimited]).Add(g => g.CanEdit, true)
            .Add(g => g.Selected, parents).Add(g => g.SelectedChanged, (IReadOnlySet<int> next) => handed = next));

        grid.Find($"[data-testid=period-{Current.Id}] input[type=checkbox]").Change(true);

        Assert.Equal([Past.Id, Current.Id], handed!.Order());
        Assert.NotSame(parents, handed);
        Assert.Equal([Past.Id], parents);
    }

    [Fact]
    public void Unticking_a_period_hands_the_parent_the_selection_without_it()
    {
        IReadOnlySet<int> parents = new HashSet<int> { Past.Id, Current.Id };
        IReadOnlySet<int>? handed = null;
        var grid = Render<PeriodGrid>(p => p.Add(g => g.Periods, [Past, Current, Unlimited]).Add(g => g.CanEdit, true)
            .Add(g => g.Selected, parents).Add(g => g.SelectedChanged, (IReadOnlySet<int> next) => handed = next));

        grid.Find($"[data-testid=period-{Past.Id}] input[type=checkbox]").Change(false);

        Assert.Equal([Current.Id], handed);
        Assert.Equal([Past.Id, Current.Id], parents.Order());
    }

    [Fact]
    public void The_ticks_show_the_selection_the_parent_binds()
    {
        var grid = Render<PeriodGrid>(p => p.Add(g => g.Periods, [Past, Current, Unlimited]).Add(g => g.CanEdit, true)
            .Add(g => g.Selected, new HashSet<int> { Current.Id }));

        Assert.Equal([false, true, false], grid.FindAll("input[type=checkbox]").Select(c => c.HasAttribute("checked")));
    }
}
