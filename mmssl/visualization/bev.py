# Copyright (c) mmssl contributors. All rights reserved.
"""Bird's-eye view of a LiDAR scan with 3-D boxes (matplotlib, no
display needed)."""
import os
import os.path as osp


def draw_bev(points, boxes, labels, scores, classes, pc_range, out: str):
    """Points (gray, by height) and boxes (one colour per class, a line
    from the centre to the front) seen from above, x to the right."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    import numpy as np
    keep = ((points[:, 0] >= pc_range[0]) & (points[:, 0] <= pc_range[3]) &
            (points[:, 1] >= pc_range[1]) & (points[:, 1] <= pc_range[4]))
    pts = points[keep]
    fig, ax = plt.subplots(figsize=(8, 8 * (pc_range[4] - pc_range[1]) /
                                    (pc_range[3] - pc_range[0])))
    ax.scatter(pts[:, 0], pts[:, 1], s=0.2, c=pts[:, 2], cmap='Greys_r',
               vmin=-2.5, vmax=1.0)
    colours = plt.get_cmap('tab10')
    for box, label, score in zip(boxes, labels, scores):
        x, y, _, length, width, _, yaw = box[:7]
        c, s = np.cos(yaw), np.sin(yaw)
        local = np.array([[1, 1], [1, -1], [-1, -1], [-1, 1], [1, 1]]) * [
            length / 2, width / 2]
        corners = local @ np.array([[c, s], [-s, c]]) + [x, y]
        colour = colours(int(label) % 10)
        ax.plot(corners[:, 0], corners[:, 1], color=colour, lw=1.5)
        ax.plot([x, x + c * length / 2], [y, y + s * length / 2],
                color=colour, lw=1.5)
        name = classes[int(label)] if classes is not None and int(
            label) < len(classes) else str(int(label))
        ax.text(x, y, f'{name} {score:.2f}', color=colour, fontsize=6)
    ax.set_xlim(pc_range[0], pc_range[3])
    ax.set_ylim(pc_range[1], pc_range[4])
    ax.set_aspect('equal')
    ax.set_facecolor('black')
    ax.set_xlabel('x (m, forward)')
    ax.set_ylabel('y (m, left)')
    fig.tight_layout()
    os.makedirs(osp.dirname(osp.abspath(out)), exist_ok=True)
    fig.savefig(out, dpi=120)
    plt.close(fig)
