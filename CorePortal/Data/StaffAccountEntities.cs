using System.ComponentModel.DataAnnotations;

namespace CorePortal.Data;

public enum StaffAccountChange { Disabled = 1, Enabled = 2 }

/// <summary>
/// One disable or enable of a staff login: who did it, to whom, when. Names are copied, not joined, so the history reads
/// the same after a login is renamed or removed.
/// </summary>
public sealed class StaffAccountEvent
{
    public long Id { get; set; }
    public DateTime AtUtc { get; set; }
    public StaffAccountChange Change { get; set; }
    [MaxLength(450)] public string? ActorId { get; set; }
    [MaxLength(200)] public required string ActorName { get; set; }
    [MaxLength(450)] public required string SubjectId { get; set; }
    [MaxLength(256)] public required string SubjectEmail { get; set; }
}
