<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AnimationDialog</name>
    <message>
        <source>Export animation</source>
        <translation>导出动画</translation>
    </message>
    <message>
        <source>The panel&apos;s default run</source>
        <translation>本面板的默认运行</translation>
    </message>
    <message>
        <source> frames/s</source>
        <translation> 帧/秒</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>The preset is run for real and recorded; the recording is then replayed at a fixed frame rate, so the clip does not depend on this computer&apos;s speed. Frames where nothing changes are merged, and the last one is held.</source>
        <translation>预设会真实运行一次并被记录下来；随后按固定帧率回放这份记录，因此动画与这台电脑的快慢无关。没有变化的帧会被合并，最后一帧会多停留一会儿。</translation>
    </message>
    <message>
        <source>Run:</source>
        <translation>运行：</translation>
    </message>
    <message>
        <source>Frame rate:</source>
        <translation>帧率：</translation>
    </message>
    <message>
        <source>Length:</source>
        <translation>时长：</translation>
    </message>
    <message>
        <source>Frame size:</source>
        <translation>画面尺寸：</translation>
    </message>
    <message>
        <source>{n} frames before unchanged ones are merged</source>
        <translation>合并未变化的帧之前共 {n} 帧</translation>
    </message>
</context>
<context>
    <name>AnimationProgress</name>
    <message>
        <source>Export animation</source>
        <translation>导出动画</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Recording a real run…</source>
        <translation>正在记录一次真实运行…</translation>
    </message>
    <message>
        <source>Rendering frame {done} of {total}…</source>
        <translation>正在渲染第 {done} 帧（共 {total} 帧）…</translation>
    </message>
    <message>
        <source>Writing the GIF…</source>
        <translation>正在写入 GIF…</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>This panel cannot export an animation.</source>
        <translation>此面板不能导出动画。</translation>
    </message>
    <message>
        <source>Export the run as an animation</source>
        <translation>将运行导出为动画</translation>
    </message>
    <message>
        <source>GIF animations (*.gif)</source>
        <translation>GIF 动画 (*.gif)</translation>
    </message>
    <message>
        <source>MP4 videos (*.mp4)</source>
        <translation>MP4 视频 (*.mp4)</translation>
    </message>
    <message>
        <source>Export cancelled; nothing was written.</source>
        <translation>导出已取消，没有写入任何文件。</translation>
    </message>
    <message>
        <source>Export animation</source>
        <translation>导出动画</translation>
    </message>
    <message>
        <source>{path}: {frames} frames ({written} after merging unchanged ones), {kib} KiB</source>
        <translation>{path}：{frames} 帧（合并未变化的帧后 {written} 帧），{kib} KiB</translation>
    </message>
    <message>
        <source>Export &amp;animation…</source>
        <translation>导出动画(&amp;A)…</translation>
    </message>
</context>
</TS>
