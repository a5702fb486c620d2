"""What a route's path says about records: its shape, the parents its ids name, their owners.

``/Projects/{projectId}/Tasks/{taskId}`` answers from the collection ``projects/tasks`` *owned*
by the project ``projectId`` names: that id must name a record of ``projects`` (else 404), and
the tasks are that project's alone. ``route_plan`` works this out once per route;
``parent_chain`` says which parents own a collection; ``own_id`` and ``belongs`` tie a child
record to its parent's id.
"""

from __future__ import annotations

from typing import Any

from xero_nb.simulator.lookup import exact, id_field
from xero_nb.simulator.routes import route_table
from xero_nb.simulator.schemas import Shape, api_schemas

# A child collection's owner: (path parameter, id) of each parent record, outermost first.
Owner = tuple[tuple[str, str], ...]
# GET {collection}/{param} answering the records of the owner the parameter names, not one
# record: (api, collection) -> the owner's collection.
OWNER_LISTS: dict[tuple[str, str], str] = {
    ("payroll_uk", "statutoryleaves/summary"): "employees",
}
# Operations Xero documents outside its specs (the catalog's documented.csv) that answer as a
# spec operation: pyxero has called the plural /Organisations for a decade (pyxero#17, #75).
ANSWERS_AS = {("accounting", "getOrganisationsPlural"): ("getOrganisations", "/Organisation")}


RoutePlan = tuple[Shape, str | None, bool, list[tuple[str, str]]]
# Per route (its id: the shipped route table lives as long as the process): the work its path
# implies, done once.
ROUTE_PLANS: dict[int, RoutePlan] = {}


def route_plan(api: str, operation_id: str, method: str, path: str) -> RoutePlan:
    """An endpoint's shape, last path parameter, owner-list flag, and the parents its ids name.

    ``parents``: ``(parameter, collection)`` of each id before the last (and, on an owner list,
    the last too: it names the owner).
    """
    operation_id, path = ANSWERS_AS.get((api, operation_id), (operation_id, path))
    shape = api_schemas(api).shape(operation_id, method, path)
    segs = [s for s in path.split("/") if s]
    last = segs[-1][1:-1] if segs and segs[-1].startswith("{") else None
    owner = (api, shape.collection) in OWNER_LISTS
    parents: list[tuple[str, str]] = []
    for idx, name in shape_params(segs):
        if name == last and not owner:
            break
        parent = _parent_collection(segs, idx, api, shape.collection)
        if parent is not None:
            parents.append((name, parent))
    return shape, last, owner, parents


def shape_params(segs: list[str]) -> list[tuple[int, str]]:
    """``(segment index, name)`` of each path parameter."""
    return [(i, s[1:-1]) for i, s in enumerate(segs) if s.startswith("{")]


def _parent_collection(segs: list[str], idx: int, api: str, own: str) -> str | None:
    """The collection whose record the parameter at ``idx`` names (None: none to check)."""
    head = "/".join(s.lower() for s in segs[:idx] if not s.startswith("{"))
    owner = OWNER_LISTS.get((api, own))
    if owner and idx == len(segs) - 1:
        return owner
    return head or None


_CHAINS: dict[tuple[str, str], list[tuple[str, str]]] = {}


def parent_chain(api: str, collection: str) -> list[tuple[str, str]]:
    """The ``(parameter, parent collection)`` pairs that own records of ``collection`` ([]: none)."""
    hit = _CHAINS.get((api, collection))
    if hit is None:
        hit = []
        for ep in route_table().routes:
            e = ep.endpoint
            if e.api != api or e.method != "GET":
                continue
            shape, _, owner, parents = route_plan(e.api, e.operation_id, e.method, e.path)
            if shape.collection == collection and not owner:
                hit = parents
                break
        _CHAINS[(api, collection)] = hit
    return hit


def own_id(row: dict[str, Any], param: str, collection: str, fallback: str) -> str:
    """A parent record's own id (as it spells it), for its children's owner."""
    name = id_field(row, param, collection)
    return str(row[name]) if name is not None else fallback


def belongs(row: dict[str, Any], owner: Owner) -> bool:
    """True if a seeded record names each of ``owner``'s ids in the field of that name."""
    for name, value in owner:
        field = exact(row, name)
        if field is None or str(row[field]).lower() != value.lower():
            return False
    return True
