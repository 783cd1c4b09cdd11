using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CorePortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class MembershipLifecycle : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "CancelReason",
                table: "Purchases",
                type: "TEXT",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "CancelledAtUtc",
                table: "Purchases",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CancelledBy",
                table: "Purchases",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "CancelsOn",
                table: "Purchases",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "PeriodCount",
                table: "Purchases",
                type: "INTEGER",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.AddColumn<int>(
                name: "Renewal",
                table: "Purchases",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Rollover",
                table: "Purchases",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "RolloverCap",
                table: "Purchases",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "RolloverExpiresAfterPeriods",
                table: "Purchases",
                type: "INTEGER",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.AddColumn<int>(
                name: "RolledFromPeriodId",
                table: "CreditPeriods",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Sequence",
                table: "CreditPeriods",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<bool>(
                name: "AllowFreeze",
                table: "CatalogItems",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "DefaultFreezeMode",
                table: "CatalogItems",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "FreezeMaxDays",
                table: "CatalogItems",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "FreezeMaxDaysPerYear",
                table: "CatalogItems",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "FreezeMinDays",
                table: "CatalogItems",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Renewal",
                table: "CatalogItems",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Rollover",
                table: "CatalogItems",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "RolloverCap",
                table: "CatalogItems",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "RolloverExpiresAfterPeriods",
                table: "CatalogItems",
                type: "INTEGER",
                nullable: false,
                defaultValue: 1);

            // Existing periods are numbered by their dates within their purchase, and a purchase's term counts its periods.
            migrationBuilder.Sql("""
                UPDATE "CreditPeriods" SET "Sequence" = (SELECT COUNT(*) FROM "CreditPeriods" o WHERE o."PurchaseId" = "CreditPeriods"."PurchaseId"
                  AND (o."StartsOn" < "CreditPeriods"."StartsOn" OR (o."StartsOn" = "CreditPeriods"."StartsOn" AND o."Id" <= "CreditPeriods"."Id")));
                UPDATE "Purchases" SET "PeriodCount" = (SELECT COUNT(*) FROM "CreditPeriods" p WHERE p."PurchaseId" = "Purchases"."Id");
                """);

            migrationBuilder.CreateTable(
                name: "BulkFreezes",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    StartsOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    EndsOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Mode = table.Column<int>(type: "INTEGER", nullable: false),
                    Scope = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Note = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    Actor = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UndoneAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    UndoneBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BulkFreezes", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "FreezeRequests",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PurchaseId = table.Column<int>(type: "INTEGER", nullable: false),
                    ClientId = table.Column<int>(type: "INTEGER", nullable: false),
                    StartsOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    EndsOn = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    Note = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    AskedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    AnsweredAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    AnsweredBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    AnswerNote = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FreezeRequests", x => x.Id);
                    table.ForeignKey(
                        name: "FK_FreezeRequests_Clients_ClientId",
                        column: x => x.ClientId,
                        principalTable: "Clients",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_FreezeRequests_Purchases_PurchaseId",
                        column: x => x.PurchaseId,
                        principalTable: "Purchases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Freezes",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PurchaseId = table.Column<int>(type: "INTEGER", nullable: false),
                    StartsOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    EndsOn = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    PlannedEndsOn = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    Mode = table.Column<int>(type: "INTEGER", nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    Note = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    OverrideNote = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    Actor = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    EndedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    BulkFreezeId = table.Column<int>(type: "INTEGER", nullable: true),
                    FreezeRequestId = table.Column<int>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Freezes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Freezes_BulkFreezes_BulkFreezeId",
                        column: x => x.BulkFreezeId,
                        principalTable: "BulkFreezes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Freezes_FreezeRequests_FreezeRequestId",
                        column: x => x.FreezeRequestId,
                        principalTable: "FreezeRequests",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Freezes_Purchases_PurchaseId",
                        column: x => x.PurchaseId,
                        principalTable: "Purchases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Purchases_Renewal_Status_EndsOn",
                table: "Purchases",
                columns: new[] { "Renewal", "Status", "EndsOn" });

            migrationBuilder.CreateIndex(
                name: "IX_Ledger_ExpiredOnce",
                table: "Ledger",
                column: "PeriodId",
                unique: true,
                filter: "\"Kind\" = 8");

            migrationBuilder.CreateIndex(
                name: "IX_CreditPeriods_RolledFrom",
                table: "CreditPeriods",
                column: "RolledFromPeriodId",
                unique: true,
                filter: "\"RolledFromPeriodId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_CreditPeriods_Sequence",
                table: "CreditPeriods",
                columns: new[] { "PurchaseId", "Sequence" },
                unique: true,
                filter: "\"RolledFromPeriodId\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_FreezeRequests_ClientId",
                table: "FreezeRequests",
                column: "ClientId");

            migrationBuilder.CreateIndex(
                name: "IX_FreezeRequests_PurchaseId",
                table: "FreezeRequests",
                column: "PurchaseId");

            migrationBuilder.CreateIndex(
                name: "IX_FreezeRequests_Status_AskedAtUtc",
                table: "FreezeRequests",
                columns: new[] { "Status", "AskedAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_Freezes_BulkFreezeId",
                table: "Freezes",
                column: "BulkFreezeId");

            migrationBuilder.CreateIndex(
                name: "IX_Freezes_FreezeRequestId",
                table: "Freezes",
                column: "FreezeRequestId");

            migrationBuilder.CreateIndex(
                name: "IX_Freezes_PurchaseId_StartsOn",
                table: "Freezes",
                columns: new[] { "PurchaseId", "StartsOn" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Freezes");

            migrationBuilder.DropTable(
                name: "BulkFreezes");

            migrationBuilder.DropTable(
                name: "FreezeRequests");

            migrationBuilder.DropIndex(
                name: "IX_Purchases_Renewal_Status_EndsOn",
                table: "Purchases");

            migrationBuilder.DropIndex(
                name: "IX_Ledger_ExpiredOnce",
                table: "Ledger");

            migrationBuilder.DropIndex(
                name: "IX_CreditPeriods_RolledFrom",
                table: "CreditPeriods");

            migrationBuilder.DropIndex(
                name: "IX_CreditPeriods_Sequence",
                table: "CreditPeriods");

            migrationBuilder.DropColumn(
                name: "CancelReason",
                table: "Purchases");

            migrationBuilder.DropColumn(
                name: "CancelledAtUtc",
                table: "Purchases");

            migrationBuilder.DropColumn(
                name: "CancelledBy",
                table: "Purchases");

            migrationBuilder.DropColumn(
                name: "CancelsOn",
                table: "Purchases");

            migrationBuilder.DropColumn(
                name: "PeriodCount",
                table: "Purchases");

            migrationBuilder.DropColumn(
                name: "Renewal",
                table: "Purchases");

            migrationBuilder.DropColumn(
                name: "Rollover",
                table: "Purchases");

            migrationBuilder.DropColumn(
                name: "RolloverCap",
                table: "Purchases");

            migrationBuilder.DropColumn(
                name: "RolloverExpiresAfterPeriods",
                table: "Purchases");

            migrationBuilder.DropColumn(
                name: "RolledFromPeriodId",
                table: "CreditPeriods");

            migrationBuilder.DropColumn(
                name: "Sequence",
                table: "CreditPeriods");

            migrationBuilder.DropColumn(
                name: "AllowFreeze",
                table: "CatalogItems");

            migrationBuilder.DropColumn(
                name: "DefaultFreezeMode",
                table: "CatalogItems");

            migrationBuilder.DropColumn(
                name: "FreezeMaxDays",
                table: "CatalogItems");

            migrationBuilder.DropColumn(
                name: "FreezeMaxDaysPerYear",
                table: "CatalogItems");

            migrationBuilder.DropColumn(
                name: "FreezeMinDays",
                table: "CatalogItems");

            migrationBuilder.DropColumn(
                name: "Renewal",
                table: "CatalogItems");

            migrationBuilder.DropColumn(
                name: "Rollover",
                table: "CatalogItems");

            migrationBuilder.DropColumn(
                name: "RolloverCap",
                table: "CatalogItems");

            migrationBuilder.DropColumn(
                name: "RolloverExpiresAfterPeriods",
                table: "CatalogItems");
        }
    }
}
