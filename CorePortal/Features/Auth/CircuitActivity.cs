using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.SignalR;

namespace CorePortal.Features.Auth;

/// <summary>
/// When the person at a portal screen last did something: one per circuit, read by <see cref="RevalidatingAuthStateProvider"/>
/// for the idle limit. Starts at the circuit's start (opening the page is an interaction).
/// </summary>
public sealed class CircuitActivity(TimeProvider clock)
{
    private long _lastTicks = clock.GetUtcNow().UtcTicks;

    public DateTimeOffset LastUserActivity => new(Interlocked.Read(ref _lastTicks), TimeSpan.Zero);

    public void Touch() => Interlocked.Exchange(ref _lastTicks, clock.GetUtcNow().UtcTicks);
}

/// <summary>
/// Marks the circuit messages that come from the person rather than from the page itself. A circuit handler's inbound activity
/// runs for every message from the browser, and most of them are not the person: render acknowledgements (a screen fed live
/// balances sends one per update), JS interop results, reconnects. The person's messages are a DOM event dispatched to a
/// component (the browser calls the renderer's <c>DispatchEventAsync</c>) and a navigation (<c>OnLocationChanged</c>, a link or
/// the back button). This hub filter sees which hub method a message calls and flags the call in an <see cref="AsyncLocal{T}"/>;
/// the circuit handler, which runs inside that call (the renderer's dispatcher flows the execution context), touches the circuit's
/// <see cref="CircuitActivity"/> only for a flagged one. The filter applies to every hub; only the circuit's methods match.
/// </summary>
public sealed class UserInteractionHubFilter : IHubFilter
{
    private static readonly AsyncLocal<bool> FromUser = new();

    internal static bool IsUserInteraction => FromUser.Value;

    // Async, so the flag holds for this call and what it starts, and never leaks back into the connection's later calls.
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        FromUser.Value = invocationContext.HubMethodName switch
        {
            "BeginInvokeDotNetFromJS" => invocationContext.HubMethodArguments is [_, _, "DispatchEventAsync", ..],
            "OnLocationChanged" => true,
            _ => false,
        };
        return await next(invocationContext);
    }
}

/// <summary>Touches the circuit's <see cref="CircuitActivity"/> for the inbound messages <see cref="UserInteractionHubFilter"/> marked as the person's.</summary>
public sealed class UserActivityCircuitHandler(CircuitActivity activity) : CircuitHandler
{
    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next) => context =>
    {
        if (UserInteractionHubFilter.IsUserInteraction) activity.Touch();
        return next(context);
    };
}
