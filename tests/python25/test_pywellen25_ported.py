"""pywellen 0.25.5's own tests, ported to FST files and run against pywellen 0.25.7 and
fstwave.pywellen25 alike (one suite, two implementations: the ``wl`` fixture).

Originals: pywellen/tests/test_waveform.py (W), test_regressions.py (R) and
test_vcd_vcd_compatibility.py (C) of wellen v0.25.5. Each one is ported; none is left out.
Their inputs came from wellen's ``inputs/`` folder; here:

  test (origin)                       original input                          input here
  W test_var_and_scope_index_api      verilator/surfer_issue_201.fst          written VCD -> vcd2fst (1),
                                                                              and corpus verilator/many_sv_datatypes.fst
  W test_var_change_access            verilator/surfer_issue_201.fst          written VCD -> vcd2fst (1)
  W test_iterate_hierarchy_example    verilator/swerv1.vcd                    corpus verilator/swerv1.vcd.fst (2)
  W test_vcd_not_starting_at_zero     gameroy/trace_prefix.vcd                written VCD -> vcd2fst (3)
  W test_vcd_var_types_types          gtkwave-analyzer/vcd_extensions.vcd     written VCD -> vcd2fst (4)
  W test_hierarchy_metadata_swerv1    verilator/swerv1.vcd                    corpus verilator/swerv1.vcd.fst (5)
  W test_fst_enum_signals             verilator/many_sv_datatypes.fst         corpus, the same bytes
  W test_fst_var_directions           verilator/many_sv_datatypes.fst         corpus, the same bytes
  W test_scope_types                  gtkwave-analyzer/vcd_extensions.vcd     written VCD -> vcd2fst
  W test_stream_changes               verilator/swerv1.vcd                    corpus verilator/swerv1.vcd.fst (2)
  W test_stream_time_steps            verilator/swerv1.vcd                    corpus verilator/swerv1.vcd.fst (2)
  W test_signal_slice                 gameroy/trace_prefix.vcd                written VCD -> vcd2fst (3)
  R test_issue_92                     vcs/datapath_log.vcd                    written VCD -> vcd2fst
  R test_issue_95                     xilinx_isim/test2x2_regex22_string1.vcd written VCD -> vcd2fst
  R test_issue_133                    github_issues/issue133.vcd              written VCD -> vcd2fst
  C test_vcd_vcd_data                 icarus/counter_tb.vcd                   written VCD -> vcd2fst (6)

(1) the written VCD has the hierarchy path and the change times of the original's d_trig; the
    expected changes are the ones the test writes. (2) the expected changes, the original's
    pywellen/tests/swerv.py table, come here from a third reader, GTKWave's fst2vcd
    (vcd_sources25.read_fst_reference); on this file they are the same as that table.
    (3) trace_prefix.vcd's timescale "244 ns" has no FST form (FST keeps powers of ten only):
    the written file uses 1 ns; pc changes 4269 times as in the original.
    (4) FST stores a direction for every var (vcd2fst writes "implicit") where VCD has none: the
    original's direction "Unknown" (a VCD fact) is "Implicit" here. (5) file_format is "FST", not
    "VCD". (6) FST stores every value at its full width: the VCD's short "b0" (VCD's left
    extension, a VCD-only parsing rule) is written at full width.
"""
import hashlib
import importlib
from collections import defaultdict

import pytest

from conftest import CORPUS
from vcd_sources25 import VcdBuilder, pywellen_value, read_fst_reference, vcd_to_fst

IMPLEMENTATIONS = {'pywellen': 'pywellen', 'fstwave': 'fstwave.pywellen25'}


@pytest.fixture(params=sorted(IMPLEMENTATIONS))
def wl(request):
    """The module under test: pywellen 0.25.7 (the oracle) or fstwave.pywellen25."""
    return importlib.import_module(IMPLEMENTATIONS[request.param])


def corpus_file(rel):
    """The path (str) of corpus file ``rel``, read in place; a missing file fails the test."""
    path = CORPUS / rel
    assert path.is_file(), f'corpus file missing: {path}'
    return str(path)


SWERV = 'verilator/swerv1.vcd.fst'


@pytest.fixture(scope='module')
def swerv_reference():
    """swerv1.vcd.fst as GTKWave's fst2vcd reads it (the expected changes)."""
    return read_fst_reference(corpus_file(SWERV))


def expected_first_changes(reference, count=10):
    """{full name: [(time, value)]} of the first ``count`` vars that fst2vcd reads, values as
    pywellen gives them for bit vectors (swerv1 has nothing else)."""
    return {name: [(t, pywellen_value(v)) for t, v in reference.var_changes(name)]
            for name, _ in reference.vars[:count]}


def with_types(changes):
    """The changes with each value's type beside it (1 and '1' must not compare equal)."""
    return {name: [(t, type(v).__name__, v) for t, v in lst] for name, lst in changes.items()}


# ---- written inputs ------------------------------------------------------------------------

#: d_trig of the original's TOP.top.pix_port (times in ps)
D_TRIG_CHANGES = [(0, 0), (27400000, 1), (47400000, 0), (53800000, 1), (73800000, 0),
                  (80200000, 1), (100200000, 0), (106600000, 1)]


@pytest.fixture(scope='module')
def pix_port_fst(tmp_path_factory):
    """A Verilator-like hierarchy TOP.top.pix_port (an interface) with 1-bit logic vars."""
    vcd = VcdBuilder('1ps')
    with vcd.scope('module', 'TOP'), vcd.scope('module', 'top'):
        with vcd.scope('interface', 'pix_port'):
            latency = vcd.var('parameter', 32, 'latency')
            d_trig = vcd.var('logic', 1, 'd_trig')
            d_ready = vcd.var('logic', 1, 'd_ready')
        with vcd.scope('module', 'vga_gen'):
            vcd.var('logic', 1, 'd_trig', code=d_trig)
    vcd.change(0, latency, 'b' + format(3, '032b'))
    vcd.change(0, d_ready, '1')
    for time, value in D_TRIG_CHANGES:
        vcd.change(time, d_trig, str(value))
    return vcd_to_fst(vcd, tmp_path_factory.mktemp('pix-port'), 'pix_port')


#: how often pc changes in the gameroy file (as in the original's trace_prefix.vcd)
PC_CHANGES = 4269


@pytest.fixture(scope='module')
def gameroy_fst(tmp_path_factory):
    """A trace whose first time step is 4, not 0: pc changes at 4 and every 4 after, sp first
    changes at 16."""
    vcd = VcdBuilder('1ns')
    with vcd.scope('module', 'gameroy'):
        with vcd.scope('module', 'cpu'):
            regs = {name: vcd.var('wire', 8, name) for name in 'facbedlh'}
            sp = vcd.var('wire', 16, 'sp')
            pc = vcd.var('wire', 16, 'pc')
        with vcd.scope('module', 'ppu'):
            stat = vcd.var('wire', 8, 'STAT_ff41')
    vcd.change(4, stat, 'b10000000')
    vcd.change(16, sp, 'b' + format(0xfffe, '016b'))
    vcd.change(20, regs['f'], 'b10000000')
    for k in range(PC_CHANGES):  # 7 * k is different for every k < 2**16: every one is a change
        vcd.change(4 + 4 * k, pc, 'b' + format((7 * k + 1) & 0xffff, '016b'))
    return vcd_to_fst(vcd, tmp_path_factory.mktemp('gameroy'), 'trace_prefix')


#: (var name, VCD keyword, width, var_type, bitwidth, encoding) of the written extension vars
EXTENSION_VARS = [
    ('ENUM2_IN', 'enum', 2, 'Enum', 2, 'bits'),
    ('STR_OUT', 'string', 0, 'String', None, 'string'),
    ('EVENT_IN', 'event', 1, 'Event', 0, 'event'),
    ('INT32_OUT', 'integer', 32, 'Integer', 32, 'bits'),
    ('REAL_BUF', 'real', 1, 'Real', None, 'real'),
    ('REG128_INOUT', 'reg', 128, 'Reg', 128, 'bits'),
    ('SUPPLY0_var', 'supply0', 1, 'Supply0', 1, 'bit'),
    ('SUPPLY1_var', 'supply1', 1, 'Supply1', 1, 'bit'),
    ('TRI_var', 'tri', 1, 'Tri', 1, 'bit'),
    ('WIRE_var', 'wire', 1, 'Wire', 1, 'bit'),
    ('SV_BIT_10_var', 'bit', 10, 'Bit', 10, 'bits'),
    ('SV_LOGIC_10_var', 'logic', 10, 'Logic', 10, 'bits'),
    ('SV_INT32_var', 'int', 32, 'Int', 32, 'bits'),
    ('SV_BYTE8_var', 'byte', 8, 'Byte', 8, 'bits'),
]

#: (scope name, VCD scope keyword); pywellen's scope_type is the keyword itself
EXTENSION_SCOPES = [
    ('MODULE0', 'module'), ('TASK0', 'task'), ('FUNCTION0', 'function'), ('BEGIN0', 'begin'),
    ('FORK0', 'fork'), ('GENERATE0', 'generate'), ('STRUCT0', 'struct'), ('UNION0', 'union'),
    ('CLASS0', 'class'), ('INTERFACE0', 'interface'), ('PACKAGE0', 'package'),
    ('PROGRAM0', 'program'), ('ARCHITECTURE0', 'vhdl_architecture'),
    ('PROCEDURE0', 'vhdl_procedure'), ('FUNCTION1', 'vhdl_function'),
    ('RECORD0', 'vhdl_record'), ('PROCESS0', 'vhdl_process'), ('BLOCK0', 'vhdl_block'),
    ('FOR_GENERATE0', 'vhdl_for_generate'), ('IF_GENERATE0', 'vhdl_if_generate'),
    ('GENERATE1', 'vhdl_generate'),
]


@pytest.fixture(scope='module')
def extensions_fst(tmp_path_factory):
    """GTKWave's VCD extensions: one scope of each extended scope kind (each with a var
    'dummy') and one var of each extended var kind, all under scope 'main'."""
    vcd = VcdBuilder('1ns')
    with vcd.scope('module', 'main'):
        for name, kind in EXTENSION_SCOPES:
            with vcd.scope(kind, name):
                vcd.change(0, vcd.var('wire', 1, 'dummy'), '0')
        for name, kind, width, _, _, _ in EXTENSION_VARS:
            vcd.var(kind, width, name)
    return vcd_to_fst(vcd, tmp_path_factory.mktemp('extensions'), 'vcd_extensions')


def single_var_fst(folder, stem, scopes, name, width, changes, timescale='1ns'):
    """A file of one var ``name`` (a wire) inside the nested ``scopes`` with ``changes``
    [(time, VCD value text)]."""
    vcd = VcdBuilder(timescale)

    def declare(rest):
        if not rest:
            return vcd.var('wire', width, name)
        with vcd.scope('module', rest[0]):
            return declare(rest[1:])

    code = declare(list(scopes))
    for time, value in changes:
        vcd.change(time, code, value)
    return vcd_to_fst(vcd, folder, stem)


# ---- test_waveform.py ----------------------------------------------------------------------

@pytest.fixture(params=['written', 'verilator'])
def logic_var_path(request, pix_port_fst):
    """(file, dotted path of a 1-bit logic var under scope TOP): the written Verilator-like file,
    and, beside it, a file Verilator itself wrote (the original's surfer_issue_201.fst was one)."""
    if request.param == 'written':
        return str(pix_port_fst), 'TOP.top.pix_port.d_ready'
    return corpus_file('verilator/many_sv_datatypes.fst'), 'TOP.SVDataTypeWrapper.bb.abc_r'


def test_var_and_scope_index_api(wl, logic_var_path):
    """Scopes and vars are found by dotted path or by indexing scope after scope, print as
    Scope(...)/Var(...), compare equal and hash alike."""
    path, var_path = logic_var_path
    wave = wl.Waveform(path)
    assert repr(wave) == f'Waveform({path})'  # the original: starts and ends so
    assert wave['TOP'].type == 'module'
    assert repr(wave['TOP']) == 'Scope(TOP)'
    var = wave[var_path]
    name = var_path.rsplit('.', 1)[1]
    assert (var.type, var.name, var.full_name) == ('Logic', name, var_path)
    assert repr(var) == f'Var({var_path})'
    step_by_step = wave
    for part in var_path.split('.'):
        step_by_step = step_by_step[part]
    assert var == step_by_step
    assert len({var: 1, step_by_step: 3}) == 1  # one key: equal vars hash alike


def test_var_change_access(wl, pix_port_fst):
    """``tv`` loads the signal on first use (vcdvcd's interface): every change, indexable."""
    d_trig = wl.Waveform(str(pix_port_fst))['TOP.top.pix_port.d_trig']
    assert (d_trig.var_type, d_trig.size) == ('Logic', 1)
    assert len(d_trig.tv) == len(D_TRIG_CHANGES)
    assert list(d_trig.tv) == D_TRIG_CHANGES
    assert d_trig.tv[0] == D_TRIG_CHANGES[0]
    assert d_trig.tv[5] == D_TRIG_CHANGES[5]


def test_iterate_hierarchy_example(wl, swerv_reference):
    """The changes of the first ten vars, read by iterating ``var.signal``."""
    wave = wl.Waveform(path=corpus_file(SWERV))
    changes = {var.full_name: list(var.signal) for var in wave.all_vars()[0:10]}
    assert with_types(changes) == with_types(expected_first_changes(swerv_reference))


def test_vcd_not_starting_at_zero(wl, gameroy_fst):
    """Before a signal's first change its value is None, also before the file's first time."""
    waves = wl.Waveform(path=str(gameroy_fst))
    cpu = waves['gameroy.cpu']
    assert cpu.name == 'cpu'
    pc, sp = cpu['pc'], cpu['sp']
    assert (pc.full_name, sp.full_name) == ('gameroy.cpu.pc', 'gameroy.cpu.sp')
    pc_sig, sp_sig = pc.signal, sp.signal
    assert pc_sig.value_at(0) is None  # nothing has happened at time 0 yet
    assert pc_sig.value_at(4) == 1  # pc's first change is at 4, the first time step
    assert sp_sig.value_at(16) == 0xfffe  # sp's first change
    assert [sp_sig.value_at(t) for t in range(16)] == [None] * 16


def test_vcd_var_types_types(wl, extensions_fst):
    """var_type, bitwidth/length, direction and the encoding flags of each extended var kind."""
    waves = wl.Waveform(path=str(extensions_fst))
    found = {var.name: var for var in waves.all_vars()}
    assert len(found) == len(EXTENSION_VARS) + 1  # the 'dummy' of every scope has one name
    for name, _, width, var_type, bitwidth, encoding in EXTENSION_VARS:
        var = found[name]
        assert (var.name, var.full_name) == (name, f'main.{name}')
        assert var.var_type == var_type, name
        assert (var.bitwidth, var.length) == (bitwidth, bitwidth), name
        assert var.direction == 'Implicit', name  # the original's VCD: "Unknown", see (4)
        # (is_string, is_real, is_bit_vector); the original checks no flag for the event, here
        # it is pywellen 0.25's: a bit vector of width 0 (pywellen 0.20.5 said not a bit vector)
        flags = (var.is_string, var.is_real, var.is_bit_vector)
        assert flags == {'string': (True, False, False), 'real': (False, True, False)}.get(
            encoding, (False, False, True)), name
        if encoding == 'bit':
            assert var.is_1bit, name
        elif bitwidth and bitwidth > 1:
            assert not var.is_1bit, name
        assert var.enum_type is None, name  # the written VCD defines no enum table


def test_hierarchy_metadata_swerv1(wl, swerv_reference):
    """File format and timescale (1 ps, as fst2vcd reads it too)."""
    waves = wl.Waveform(path=corpus_file(SWERV))
    assert swerv_reference.timescale == '1ps'
    assert waves.file_format == 'FST'  # the original read the VCD: "VCD"
    assert waves.timescale.factor == 1
    assert waves.timescale.unit.to_exponent() == -12
    assert str(waves.timescale.unit) == 'ps'


#: sha256 of wellen's inputs/verilator/many_sv_datatypes.fst (the corpus README lists its first
#: 16 digits): the same bytes, so the original's expectations hold here as they are
MANY_SV_DATATYPES_SHA256 = '77bd73b3ba63e8eb'


def load_verilator_many_sv_datatypes(wl):
    """The file, its path TOP.SVDataTypeWrapper.bb found both by scopes() and by name."""
    path = corpus_file('verilator/many_sv_datatypes.fst')
    with open(path, 'rb') as f:
        assert hashlib.sha256(f.read()).hexdigest().startswith(MANY_SV_DATATYPES_SHA256)
    waves = wl.Waveform(path=path)
    scope, names = waves, []
    for name in ('TOP', 'SVDataTypeWrapper', 'bb'):
        scope = scope.scopes()[0]
        names.append(name)
        assert scope.name == name
        assert scope == waves['.'.join(names)]
    return waves, scope


def test_fst_enum_signals(wl):
    """An enum var's enum table: its name and (bits, name) pairs."""
    _, bb = load_verilator_many_sv_datatypes(wl)
    abc_r = bb['abc_r']
    assert abc_r is not None
    assert abc_r.enum_type is not None
    enum_name, enum_values = abc_r.enum_type
    assert enum_name == 'SVDataTypeBlackBox.abc'
    assert sorted(enum_values) == [('00', 'A'), ('01', 'B'), ('10', 'C'), ('11', 'D')]


def test_fst_var_directions(wl):
    """Directions and var types as Verilator wrote them."""
    _, bb = load_verilator_many_sv_datatypes(wl)
    expected = {'abc_r': ('Implicit', 'Logic'), 'clock': ('Input', 'Wire'),
                'int_r': ('Implicit', 'Integer'), 'out': ('Output', 'Wire'),
                'real_r': ('Implicit', 'Real'), 'time_r': ('Implicit', 'Bit')}
    found = {var.name: (var.direction, var.var_type) for var in bb.vars()
             if var.name in expected}
    assert found == expected


def test_scope_types(wl, extensions_fst):
    """scope_type and full_name of each extended scope kind."""
    tops = wl.Waveform(path=str(extensions_fst)).scopes()
    assert len(tops) == 1
    main = tops[0]
    assert (main.name, main.scope_type) == ('main', 'module')
    found = {scope.name: (scope.scope_type, scope.full_name) for scope in main.scopes()}
    assert found == {name: (kind, f'main.{name}') for name, kind in EXTENSION_SCOPES}


def test_stream_changes(wl, swerv_reference):
    """A stream file refuses signal access; stream_changes gives every change of the included
    vars, each to all vars of its signal."""
    wave = wl.WaveformStream(path=corpus_file(SWERV))
    with pytest.raises(RuntimeError) as refused:
        wave.all_vars()[0].signal
    assert 'access' in str(refused.value) and 'stream' in str(refused.value)
    changes = defaultdict(list)

    def on_change(time, signal, value):
        for var in wave[signal]:
            changes[var.full_name].append((time, value))

    wave.stream_changes(on_change, include=wave.all_vars()[0:10])
    assert with_types(changes) == with_types(expected_first_changes(swerv_reference))


def test_stream_time_steps(wl, swerv_reference):
    """stream_time_steps gives, per time step, the values and the signals that changed."""
    wave = wl.WaveformStream(path=corpus_file(SWERV))
    changes = defaultdict(list)

    def on_step(time, values, changed):
        for signal in changed:
            for var in wave[signal]:
                changes[var.full_name].append((time, values[signal]))

    wave.stream_time_steps(on_step, include=wave.all_vars()[0:10])
    assert with_types(changes) == with_types(expected_first_changes(swerv_reference))


def test_signal_slice(wl, gameroy_fst):
    """A signal indexes and slices like the list of its changes."""
    values = wl.Waveform(path=str(gameroy_fst))['gameroy.cpu']['pc'].signal
    assert len(values) == PC_CHANGES
    as_list = list(values)
    for index in (0, -1, 100):
        assert values[index] == as_list[index]
    for part in (slice(1, None), slice(None), slice(None, None, None), slice(None, 3),
                 slice(None, -3), slice(-4, -3), slice(2, -3, 2)):
        assert values[part] == as_list[part], part


# ---- test_regressions.py -------------------------------------------------------------------

def test_issue_92(tmp_path, wl):
    """wellen issue 92: two changes of a 64-bit var in one time step, the second with the top
    bit set, are both kept, in order, as non-negative ints; lookups see the last one."""
    low, high = 0b100, (1 << 64) - 4
    fst = single_var_fst(tmp_path, 'datapath', ['pipeline_datapath'], 'Alu_output', 64,
                         [(1200, 'b' + '0' * 64), (1300, 'b' + format(low, '064b')),
                          (1300, 'b' + format(high, '064b')), (1400, 'b' + '0' * 63 + '1')],
                         timescale='1ps')
    var = wl.Waveform(path=str(fst))['pipeline_datapath.Alu_output']
    assert [v for t, v in var.signal if t == 1300] == [low, high]
    # beyond the original (contract D2): a lookup in that step gives the settled, last value
    assert (var[1300], var.signal.value_at(1350)) == (high, high)


def test_issue_95(tmp_path, wl):
    """wellen issue 95: a scope whose name holds a dot ('genblk1.a_topology', as Xilinx ISim
    writes it) is found by the dotted path of a var inside it."""
    scopes = ['AXI_top_tb_from_compiled', 'dut', 'a_regex_coprocessor', 'genblk1.a_topology']
    fst = single_var_fst(tmp_path, 'isim', scopes, 'clk', 1, [(0, '0'), (5, '1')])
    signal_name = '.'.join(scopes + ['clk'])
    waves = wl.Waveform(path=str(fst))
    # one scope with a dot in its name, not two scopes
    assert [s.name for s in waves['.'.join(scopes[:3])].scopes()] == [scopes[3]]
    clk = waves[signal_name]
    assert clk.name == 'clk'
    assert clk.full_name == signal_name


def test_issue_133(tmp_path, wl):
    """wellen issue 133: streaming every signal of a file with a single signal (the highest
    signal id) delivers its changes (0.25.5 panicked)."""
    written = [(0, 0), (10, 1), (20, 0)]
    fst = single_var_fst(tmp_path, 'issue133', ['top'], 'a', 1,
                         [(t, str(v)) for t, v in written])
    waves = wl.Waveform(path=str(fst))
    changes = []
    waves.stream_changes(lambda time, _signal, value: changes.append((time, value)), None)
    assert changes == written
    steps = []
    waves.stream_time_steps(lambda time, _values, _changed: steps.append(time), None)
    assert steps == [t for t, _ in written]


# ---- test_vcd_vcd_compatibility.py ---------------------------------------------------------

#: out[1:0] of the original's counter_tb (Icarus Verilog), as VCD value texts at full width
COUNTER_OUT = [(0, 'bxx'), (2, 'b00'), (6, 'b01'), (8, 'b10'), (10, 'b11'), (12, 'b00'),
               (14, 'b01'), (16, 'b10'), (18, 'b11'), (20, 'b00'), (22, 'b01'), (24, 'b10')]


def test_vcd_vcd_data(tmp_path, wl):
    """vcdvcd's interface: a var found by its name with the bit range, ``tv`` and ``var[time]``
    (the value in force at that time)."""
    fst = single_var_fst(tmp_path, 'counter_tb', ['counter_tb'], 'out [1:0]', 2, COUNTER_OUT,
                         timescale='1s')
    var = wl.Waveform(path=str(fst))['counter_tb.out[1:0]']
    written = [(t, pywellen_value(text[1:])) for t, text in COUNTER_OUT]
    assert var.tv[:6] == written[:6]  # values become ints eagerly; 'xx' stays a string
    for time in (0, 1, 2, 3, 6, 7, 24, 25):
        assert var[time] == [v for t, v in written if t <= time][-1], time
