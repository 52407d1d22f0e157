"""Read what students handed in, file by file, without trusting any of it.

Folders are walked without following links (a symbolic link is refused: a link to the solution
notebook would be graded as a submission). Zips are streamed with limits on each member's size,
the total size, the compression ratio, the number of members and the nesting depth, so that a
3 MB zip holding a 3 GiB member or 1200 zips nested in each other is reported, not obeyed.
Every file read ends up as one :class:`Item`: a copy in a work folder, or the reason it was
refused. One bad file never stops the others.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from .safetext import printable

MiB = 1 << 20
CHUNK = MiB
_JUNK = re.compile(r"(^|/)(__MACOSX|\.ipynb_checkpoints)(/|$)|(^|/)\.[^/]*$")
COPY_SUFFIX = re.compile(r"(-\d+| \(\d+\))$")  # Canvas "-1", browsers " (1)"


@dataclass(frozen=True)
class Limits:
    """What one collect reads at most. The defaults leave room for notebooks full of plots."""

    member_bytes: int = 100 * MiB  # one notebook or inner zip, uncompressed
    total_bytes: int = 4096 * MiB  # everything read in one collect
    ratio: int = 500  # uncompressed / compressed size of a zip member (above 1 MiB)
    depth: int = 3  # zips inside zips (an LMS bulk zip holding learner zips is depth 2)
    members: int = 20_000  # entries in one zip


@dataclass(frozen=True)
class Item:
    """One file found in the inputs."""

    label: str  # where it came from, printable: "inbox/bulk.zip:Dan Loop_102_…/nb.ipynb"
    chain: tuple[str, ...]  # names from the outermost input to this file (zip member paths inside)
    file: Path | None = None  # its bytes, copied into the work folder
    time: datetime | None = None  # when it was handed in (UTC): the outermost zip entry's, else the file's
    time_from: str = "file"  # "file" (modification time) or "zip" (a zip entry's local time)
    problem: str = ""  # why it was refused

    @property
    def name(self) -> str:
        return self.chain[-1]


class _Refused(Exception):
    pass


def age_key(time: datetime | None, name: str) -> tuple:
    """Sort key putting later versions last: time, then a copy suffix ("-1", " (2)"), then name."""
    suffix = COPY_SUFFIX.search(PurePosixPath(name).stem)
    number = int(re.sub(r"\D", "", suffix.group(1))) if suffix else 0
    return (time or datetime.min.replace(tzinfo=UTC), number, name)


def _size(n: int) -> str:
    return f"{n / MiB:.0f} MiB" if n >= MiB else f"{n} bytes"


class Unpacker:
    """Walks inputs into :class:`Item` s under ``limits``, copying files into ``work``."""

    def __init__(self, work: Path, limits: Limits | None = None):
        self.work, self.limits = work, limits or Limits()
        self.total = 0

    # -- inputs ------------------------------------------------------------------------------
    def items(self, path: Path) -> Iterator[Item]:
        """Every file of one input (a file, a zip or a folder)."""
        label = printable(path)
        try:
            info = os.lstat(path)
        except OSError as err:
            yield Item(label, (path.name,), problem=f"cannot be read ({printable(err.strerror or err)})")
            return
        if stat.S_ISLNK(info.st_mode):
            yield self._link(label, (path.name,), path)
        elif stat.S_ISDIR(info.st_mode):
            yield from self._folder(path)
        else:
            yield from self._file(label, (path.name,), path)

    def _link(self, label: str, chain: tuple[str, ...], path: Path) -> Item:
        try:
            target = printable(os.readlink(path))
        except OSError:
            target = "?"
        return Item(label, chain, problem=f"a symbolic link (to {target}): refused, collect the file itself")

    def _folder(self, top: Path) -> Iterator[Item]:
        for folder, dirs, files in os.walk(top, followlinks=False):
            base = Path(folder)
            rel = base.relative_to(top)
            for name in sorted(dirs):
                if (base / name).is_symlink():
                    chain = ((rel / name).as_posix(),)
                    yield self._link(printable(base / name), chain, base / name)
            dirs[:] = sorted(d for d in dirs if not (base / d).is_symlink() and not _JUNK.search(d))
            for name in sorted(files):
                path, chain = base / name, ((rel / name).as_posix(),)
                if _JUNK.search(chain[0]):
                    continue
                if path.is_symlink():
                    yield self._link(printable(path), chain, path)
                else:
                    yield from self._file(printable(path), chain, path)

    def _file(self, label: str, chain: tuple[str, ...], path: Path) -> Iterator[Item]:
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError as err:
            yield Item(label, chain, problem=f"cannot be read ({printable(err.strerror or err)})")
            return
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                yield Item(label, chain, problem="not a regular file")
                return
            if chain[-1].lower().endswith(".zip"):  # read in place: a class's bulk zip may be large
                yield from self._zip(label, chain, handle, depth=1, time=None)
                return
            try:
                copy = self._copy(handle, info.st_size, compressed=None)
            except _Refused as why:
                yield Item(label, chain, problem=str(why))
                return
        yield Item(label, chain, copy, datetime.fromtimestamp(info.st_mtime, UTC), "file")

    # -- zips --------------------------------------------------------------------------------
    def _zip(
        self, label: str, chain: tuple[str, ...], source, depth: int, time: datetime | None
    ) -> Iterator[Item]:
        if depth > self.limits.depth:
            yield Item(label, chain, problem=f"zips nested more than {self.limits.depth} deep: not opened")
            return
        try:
            archive = zipfile.ZipFile(source)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as err:
            yield Item(label, chain, problem=f"not a readable zip file ({printable(err)})")
            return
        with archive:
            infos = [i for i in archive.infolist() if not i.is_dir()]
            if len(infos) > self.limits.members:
                yield Item(
                    label,
                    chain,
                    problem=f"holds {len(infos)} files, more than {self.limits.members}: not opened",
                )
                return
            for info in sorted(infos, key=lambda i: age_key(_zip_time(i), i.filename)):
                if _JUNK.search(info.filename):
                    continue
                yield from self._member(
                    archive, info, f"{label}:{printable(info.filename)}", chain, depth, time
                )

    def _member(
        self,
        archive: zipfile.ZipFile,
        info: zipfile.ZipInfo,
        label: str,
        chain: tuple[str, ...],
        depth: int,
        time: datetime | None,
    ) -> Iterator[Item]:
        chain = (*chain, info.filename)
        when = time or _zip_time(info)
        if stat.S_ISLNK(info.external_attr >> 16):
            yield Item(label, chain, problem="a symbolic link inside the zip: refused")
            return
        try:
            if info.file_size > self.limits.member_bytes:
                raise _Refused(
                    f"too large ({_size(info.file_size)} unpacked; "
                    f"the limit is {_size(self.limits.member_bytes)})"
                )
            with archive.open(info) as source:
                copy = self._copy(source, 0, compressed=info.compress_size)
        except _Refused as why:
            yield Item(label, chain, problem=str(why))
            return
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, zlib.error, EOFError, OSError) as err:
            yield Item(label, chain, problem=f"cannot be unpacked ({printable(err)})")
            return
        if info.filename.lower().endswith(".zip"):
            try:
                yield from self._zip(label, chain, copy, depth + 1, when)
            finally:
                copy.unlink(missing_ok=True)
        else:
            yield Item(label, chain, copy, when, "zip" if when is not None else "file")

    # -- bytes -------------------------------------------------------------------------------
    def _copy(self, source, size_hint: int, compressed: int | None) -> Path:
        """Copy ``source`` into the work folder, counting every byte against the limits."""
        limits = self.limits
        if size_hint > limits.member_bytes:
            raise _Refused(f"too large ({_size(size_hint)}; the limit is {_size(limits.member_bytes)})")
        fd, name = tempfile.mkstemp(dir=self.work)
        written = 0
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := source.read(CHUNK):
                    written += len(chunk)
                    self.total += len(chunk)
                    if written > limits.member_bytes:
                        raise _Refused(f"too large (more than {_size(limits.member_bytes)} unpacked)")
                    if (
                        compressed is not None
                        and written > MiB
                        and written > limits.ratio * max(compressed, 1)
                    ):
                        raise _Refused(
                            f"compressed more than {limits.ratio} to 1 ({_size(compressed)} unpacking to "
                            f"more than {_size(written)}): not unpacked"
                        )
                    if self.total > limits.total_bytes:
                        raise _Refused(
                            f"the upload is larger than {_size(limits.total_bytes)} in total: stopped here"
                        )
                    out.write(chunk)
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise
        return Path(name)


def _zip_time(info: zipfile.ZipInfo) -> datetime | None:
    """A zip entry's time (local time where the zip was made, read as this machine's), in UTC."""
    try:
        return datetime(*info.date_time).astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def copy_into(item: Item, dest: Path) -> None:
    """Move an item's copy to ``dest`` (same file system: the work folder is in the course dir)."""
    try:
        os.replace(item.file, dest)
    except OSError:
        shutil.copyfile(item.file, dest)
