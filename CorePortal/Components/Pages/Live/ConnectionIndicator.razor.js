// Blazor raises components-reconnect-state-changed on the reconnect modal as the circuit's connection changes.
const labels = { live: "Live", reconnecting: "Reconnecting…", offline: "Offline" };
const states = { hide: "live", show: "reconnecting", retrying: "reconnecting", failed: "offline", rejected: "offline", paused: "offline", "resume-failed": "offline" };

export function watch(element, page) {
    const modal = document.getElementById("components-reconnect-modal");
    const changed = event => {
        const state = states[event.detail.state] ?? "reconnecting";
        element.dataset.state = state;
        element.textContent = labels[state];
        // Delivered only once the circuit is back; while it is down the call fails, and that is fine.
        page.invokeMethodAsync("OnConnectionChanged", state).catch(() => { });
    };
    modal?.addEventListener("components-reconnect-state-changed", changed);
    return { dispose: () => modal?.removeEventListener("components-reconnect-state-changed", changed) };
}
