namespace CorePortal.Features.Common;

/// <summary>How a use case ended; maps one-to-one onto HTTP status codes for the API (200, 400, 403, 404, 409, 429).</summary>
public enum Outcome { Ok, Invalid, Forbidden, NotFound, Conflict, TooManyRequests }

/// <summary>
/// What a service's write returns: success, or why not, with messages per field for forms to show next to the
/// field (the key is the field's name) and one message for a snackbar or problem details.
/// </summary>
public record ServiceResult(Outcome Outcome, string? Message, IReadOnlyDictionary<string, string[]> Errors)
{
    private static readonly Dictionary<string, string[]> NoErrors = [];

    public bool Succeeded => Outcome == Outcome.Ok;

    public static ServiceResult Ok(string? message = null) => new(Outcome.Ok, message, NoErrors);
    public static ServiceResult Forbidden(string message = "Your role does not allow this.") => new(Outcome.Forbidden, message, NoErrors);
    public static ServiceResult NotFound(string message) => new(Outcome.NotFound, message, NoErrors);
    public static ServiceResult Conflict(string message) => new(Outcome.Conflict, message, NoErrors);
    /// <summary>A limit on how often the caller may do this is reached; nothing was written.</summary>
    public static ServiceResult TooManyRequests(string message) => new(Outcome.TooManyRequests, message, NoErrors);
    public static ServiceResult Invalid(string field, string message) => new(Outcome.Invalid, message, new Dictionary<string, string[]> { [field] = [message] });
    public static ServiceResult Invalid(IReadOnlyDictionary<string, string[]> errors) =>
        new(Outcome.Invalid, errors.Values.SelectMany(m => m).FirstOrDefault() ?? "Check the highlighted fields.", errors);

    public static ServiceResult<T> Success<T>(T value, string? message = null) => new(Outcome.Ok, message, NoErrors, value);

    /// <summary>Carries a failure on as a typed result.</summary>
    public static ServiceResult<T> Failure<T>(ServiceResult failure) => new(failure.Outcome, failure.Message, failure.Errors, default);

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var messages) ? messages.FirstOrDefault() : null;
}

/// <summary>A result that carries a value on success.</summary>
public sealed record ServiceResult<T>(Outcome Outcome, string? Message, IReadOnlyDictionary<string, string[]> Errors, T? Value)
    : ServiceResult(Outcome, Message, Errors);
