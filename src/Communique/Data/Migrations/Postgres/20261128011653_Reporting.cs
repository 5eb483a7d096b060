using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Communique.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Reporting : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Bounce",
                table: "OutboundMessages",
                type: "character varying(8)",
                maxLength: 8,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "BounceDetail",
                table: "OutboundMessages",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ClickedAt",
                table: "OutboundMessages",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ComplainedAt",
                table: "OutboundMessages",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "OpenedAt",
                table: "OutboundMessages",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "UnsubscribedAt",
                table: "OutboundMessages",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "SendHourlyStats",
                columns: table => new
                {
                    SendId = table.Column<Guid>(type: "uuid", nullable: false),
                    Hour = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    TeamId = table.Column<Guid>(type: "uuid", nullable: false),
                    Opens = table.Column<long>(type: "bigint", nullable: false),
                    Clicks = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SendHourlyStats", x => new { x.SendId, x.Hour });
                    table.ForeignKey(
                        name: "FK_SendHourlyStats_CampaignSends_SendId",
                        column: x => x.SendId,
                        principalTable: "CampaignSends",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SendStats",
                columns: table => new
                {
                    SendId = table.Column<Guid>(type: "uuid", nullable: false),
                    TeamId = table.Column<Guid>(type: "uuid", nullable: false),
                    Sent = table.Column<long>(type: "bigint", nullable: false),
                    Failed = table.Column<long>(type: "bigint", nullable: false),
                    SuppressedInvalid = table.Column<long>(type: "bigint", nullable: false),
                    SuppressedHardBounce = table.Column<long>(type: "bigint", nullable: false),
                    SuppressedUnsubscribed = table.Column<long>(type: "bigint", nullable: false),
                    SuppressedBlacklisted = table.Column<long>(type: "bigint", nullable: false),
                    Opens = table.Column<long>(type: "bigint", nullable: false),
                    UniqueOpens = table.Column<long>(type: "bigint", nullable: false),
                    MachineOpens = table.Column<long>(type: "bigint", nullable: false),
                    Clicks = table.Column<long>(type: "bigint", nullable: false),
                    UniqueClicks = table.Column<long>(type: "bigint", nullable: false),
                    SoftBounces = table.Column<long>(type: "bigint", nullable: false),
                    HardBounces = table.Column<long>(type: "bigint", nullable: false),
                    RefusedHard = table.Column<long>(type: "bigint", nullable: false),
                    Complaints = table.Column<long>(type: "bigint", nullable: false),
                    Unsubscribes = table.Column<long>(type: "bigint", nullable: false),
                    Desktop = table.Column<long>(type: "bigint", nullable: false),
                    Mobile = table.Column<long>(type: "bigint", nullable: false),
                    Tablet = table.Column<long>(type: "bigint", nullable: false),
                    OtherDevice = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SendStats", x => x.SendId);
                    table.ForeignKey(
                        name: "FK_SendStats_CampaignSends_SendId",
                        column: x => x.SendId,
                        principalTable: "CampaignSends",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SendHourlyStats");

            migrationBuilder.DropTable(
                name: "SendStats");

            migrationBuilder.DropColumn(
                name: "Bounce",
                table: "OutboundMessages");

            migrationBuilder.DropColumn(
                name: "BounceDetail",
                table: "OutboundMessages");

            migrationBuilder.DropColumn(
                name: "ClickedAt",
                table: "OutboundMessages");

            migrationBuilder.DropColumn(
                name: "ComplainedAt",
                table: "OutboundMessages");

            migrationBuilder.DropColumn(
                name: "OpenedAt",
                table: "OutboundMessages");

            migrationBuilder.DropColumn(
                name: "UnsubscribedAt",
                table: "OutboundMessages");
        }
    }
}
