using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Communique.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Video : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "VideoEvents",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TeamId = table.Column<Guid>(type: "uuid", nullable: false),
                    CommunicationId = table.Column<Guid>(type: "uuid", nullable: false),
                    RecordUuid = table.Column<Guid>(type: "uuid", nullable: false),
                    Session = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Position = table.Column<double>(type: "double precision", nullable: false),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_VideoEvents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_VideoEvents_Communications_CommunicationId",
                        column: x => x.CommunicationId,
                        principalTable: "Communications",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "VideoLinks",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TeamId = table.Column<Guid>(type: "uuid", nullable: false),
                    CommunicationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Key = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_VideoLinks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_VideoLinks_Communications_CommunicationId",
                        column: x => x.CommunicationId,
                        principalTable: "Communications",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "VideoRenders",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TeamId = table.Column<Guid>(type: "uuid", nullable: false),
                    CommunicationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    RecordUuid = table.Column<Guid>(type: "uuid", nullable: true),
                    CacheKey = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    State = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Plan = table.Column<string>(type: "text", nullable: false),
                    VideoHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    PosterHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Length = table.Column<long>(type: "bigint", nullable: false),
                    DurationSeconds = table.Column<double>(type: "double precision", nullable: false),
                    Error = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    RenderMilliseconds = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    CompletedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_VideoRenders", x => x.Id);
                    table.ForeignKey(
                        name: "FK_VideoRenders_Communications_CommunicationId",
                        column: x => x.CommunicationId,
                        principalTable: "Communications",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_VideoEvents_CommunicationId",
                table: "VideoEvents",
                column: "CommunicationId");

            migrationBuilder.CreateIndex(
                name: "IX_VideoEvents_TeamId_CommunicationId_Id",
                table: "VideoEvents",
                columns: new[] { "TeamId", "CommunicationId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_VideoEvents_TeamId_CommunicationId_RecordUuid",
                table: "VideoEvents",
                columns: new[] { "TeamId", "CommunicationId", "RecordUuid" });

            migrationBuilder.CreateIndex(
                name: "IX_VideoLinks_CommunicationId",
                table: "VideoLinks",
                column: "CommunicationId");

            migrationBuilder.CreateIndex(
                name: "IX_VideoLinks_Key",
                table: "VideoLinks",
                column: "Key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_VideoLinks_TeamId_CommunicationId",
                table: "VideoLinks",
                columns: new[] { "TeamId", "CommunicationId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_VideoRenders_CommunicationId",
                table: "VideoRenders",
                column: "CommunicationId");

            migrationBuilder.CreateIndex(
                name: "IX_VideoRenders_TeamId_CacheKey",
                table: "VideoRenders",
                columns: new[] { "TeamId", "CacheKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_VideoRenders_TeamId_CommunicationId_RecordUuid",
                table: "VideoRenders",
                columns: new[] { "TeamId", "CommunicationId", "RecordUuid" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "VideoEvents");

            migrationBuilder.DropTable(
                name: "VideoLinks");

            migrationBuilder.DropTable(
                name: "VideoRenders");
        }
    }
}
